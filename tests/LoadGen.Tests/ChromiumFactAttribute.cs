namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// Runs only where Debian's chromium is installed, unless on CI (<c>CI</c> set), where its absence is a failure — the
/// dashboard test's rule (tests/AppHost.Tests/DashboardTests.cs), for report.html.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{ChromiumPath} is absent (apt-get install -y chromium); CI is not set, so the report.html browser test is skipped.";
        }
    }
}
