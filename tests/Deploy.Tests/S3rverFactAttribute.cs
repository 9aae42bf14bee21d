using LlamaAspire.TestInfrastructure;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Runs where s3rver is installed, or on CI (<c>CI</c> set), where its absence is a failure.</summary>
public sealed class S3rverFactAttribute : FactAttribute
{
    public S3rverFactAttribute()
    {
        if (!S3rverProcess.IsInstalled && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"s3rver is not installed: run `npm ci` in {S3rverProcess.PackageDirectory}.";
        }
    }
}
