namespace LlamaAspire.Deploy.Tests;

/// <summary>Runs where <c>npm ci</c> has installed the CloudFormation specification in cfnspec, or on CI (<c>CI</c> set), where
/// its absence is a failure.</summary>
public sealed class CfnSpecFactAttribute : FactAttribute
{
    public CfnSpecFactAttribute()
    {
        if (!File.Exists(CloudFormationSpec.DatabasePath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"AWS's CloudFormation specification is not installed: run `npm ci` in {CloudFormationSpec.PackageDirectory}";
        }
    }
}
