namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>An exit code as Lambda describes it in <c>Runtime exited with error: …</c>.</summary>
internal static class ProcessExit
{
    public static string Describe(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 65 => $"signal: {SignalName(exitCode - 128)}",
        _ => $"exit status {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        NativeMethods.SIGKILL => "killed",
        NativeMethods.SIGTERM => "terminated",
        6 => "aborted",
        11 => "segmentation fault",
        _ => signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
