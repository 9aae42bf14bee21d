using System.Diagnostics;
using System.Globalization;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// Makes sure no function process outlives the emulator, even when the emulator is SIGKILLed and cannot shut its
/// environments down (a frozen environment would otherwise stay stopped forever). A small /bin/sh guardian reads
/// "+pid starttime" / "-pid" lines on its stdin; when the emulator dies its stdin reaches EOF and it SIGKILLs every
/// process still listed whose start time matches (so a recycled pid is never hit).
/// </summary>
public sealed class OrphanGuard : IDisposable
{
    private const string Script = """
        list=""
        while read -r op pid start; do
          case "$op" in
            +) list="$list $pid:$start" ;;
            -) list=$(for e in $list; do [ "${e%%:*}" = "$pid" ] || printf '%s ' "$e"; done) ;;
          esac
        done
        for e in $list; do
          pid=${e%%:*}; start=${e#*:}
          stat=$(cat /proc/$pid/stat 2>/dev/null) || continue
          rest=${stat##*) }
          set -- $rest
          [ "${20}" = "$start" ] && kill -KILL "$pid" 2>/dev/null
        done
        """;

    private readonly Lock _lock = new();
    private readonly Process? _guardian;
    private readonly ILogger<OrphanGuard> _logger;

    public OrphanGuard(ILogger<OrphanGuard> logger)
    {
        _logger = logger;
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/sh"))
        {
            return;
        }

        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(Script);
            _guardian = Process.Start(psi);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            logger.LogWarning("Orphan guard not started ({Message}): a SIGKILLed emulator may leave function processes behind", ex.Message);
        }
    }

    public void Track(int pid)
    {
        var start = StartTime(pid);
        if (start is not null)
        {
            Send($"+ {pid} {start}");
        }
    }

    public void Untrack(int pid) => Send($"- {pid} 0");

    private void Send(string line)
    {
        if (_guardian is null)
        {
            return;
        }

        lock (_lock)
        {
            try
            {
                _guardian.StandardInput.WriteLine(line);
                _guardian.StandardInput.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogDebug("Orphan guard unavailable: {Message}", ex.Message);
            }
        }
    }

    /// <summary>Field 22 of /proc/{pid}/stat (clock ticks since boot), counted after the ")" that ends the command name.</summary>
    internal static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return rest.Length > 19 && long.TryParse(rest[19], CultureInfo.InvariantCulture, out _) ? rest[19] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_guardian is null)
        {
            return;
        }

        lock (_lock)
        {
            try { _guardian.StandardInput.Close(); }
            catch (IOException) { } // the guard already exited: there is no pipe left to close
        }
        _guardian.WaitForExit(2000);
        _guardian.Dispose();
    }
}
