namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>Runs where the arm64 cross toolchain and qemu-user are installed, or on CI (<c>CI</c> set), where their absence is
/// a failure (the publish refuses, naming the packages).</summary>
public sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        var missing = Arm64Machine.MissingPackages();
        if (missing.Count > 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"The arm64 cross toolchain or qemu-user is not installed: apt-get install {string.Join(' ', missing)}";
        }
    }
}
