using System.Globalization;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>Sizes as Lambda's limits state them: MB and GB of 1,024 (Lambda's "250 MB" is 250 × 1,024 × 1,024 bytes).</summary>
internal static class ByteSize
{
    private const double Mb = 1024.0 * 1024;

    /// <summary>"12.3 MB", or "1.85 GB" from 1 GB up.</summary>
    public static string Format(long bytes) =>
        Math.Abs(bytes) >= Mb * 1024
            ? (bytes / (Mb * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GB"
            : (bytes / Mb).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>"3,008 MB".</summary>
    public static string FormatMb(long megaBytes) => megaBytes.ToString("N0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>Whole MB, rounded up.</summary>
    public static long CeilingMb(long bytes) => (long)Math.Ceiling(bytes / Mb);
}
