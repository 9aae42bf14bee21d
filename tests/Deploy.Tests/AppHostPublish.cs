using System.Diagnostics;
using System.Text;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Runs one of the product AppHost's pipeline steps the way a user does:
/// <c>dotnet run --project src/AppHost -- --operation publish --step {step} --output-path {dir} [arguments]</c>, with
/// stdin closed (no one to answer a prompt, as on CI).</summary>
public static class AppHostPublish
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string step, string outputPath, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", "--project", Path.Combine("src", "AppHost"), "--no-build", "-c", TestPaths.Configuration, "--",
                     "--operation", "publish", "--step", step, "--output-path", outputPath, .. arguments ?? []])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The first publish builds the model and links the Native AOT bootstrap: minutes on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The publish did not finish in 15 minutes:\n{output}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString());

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}
