namespace LlamaAspire.LoadGen.Tests;

/// <summary>Runs where the AWS CLI v2 is installed (Debian's awscli, which CI installs); absent and CI set is a failure.</summary>
public sealed class AwsCliFactAttribute : FactAttribute
{
    public const string AwsCli = "/usr/bin/aws";

    public AwsCliFactAttribute()
    {
        if (!File.Exists(AwsCli) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{AwsCli} is absent (apt-get install -y awscli); CI is not set, so the check of the stand-in's verifier against AWS's own signer is skipped.";
        }
    }
}
