using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.Benchmarks;

/// <summary>
/// Runs ONNX Runtime GenAI on a model directory in a fresh child process (<see cref="GenAiChild"/>) with the prompt ids the
/// function gets, and reads back what it measured. GenAI reads one decoder file: a split (--sessions N) directory is not run.
/// </summary>
internal static class GenAiRunner
{
    /// <summary>Why GenAI cannot run <paramref name="modelDir"/>, or null.</summary>
    public static string? CannotRun(string modelDir) =>
        File.Exists(Path.Combine(modelDir, ModelDirectoryLayout.GenAiConfigFile)) ? null : $"no {ModelDirectoryLayout.GenAiConfigFile} (split models have none: GenAI reads one decoder file)";

    public static async Task<GenAiResult> RunAsync(string modelDir, string prompt, int threads, int maxTokens)
    {
        var tokenizer = Llama3Tokenizer.Load(ModelDirectory.Load(modelDir).TokenizerPath);
        var ids = string.Join(',', tokenizer.EncodePrompt(prompt));
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is unknown.");
        var startInfo = new ProcessStartInfo(self)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { GenAiChild.Flag, modelDir, threads.ToString(CultureInfo.InvariantCulture), maxTokens.ToString(CultureInfo.InvariantCulture), ids },
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {self}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        var lastLine = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || lastLine is null || !lastLine.StartsWith('{'))
        {
            throw new InvalidOperationException($"GenAI failed on {modelDir} (exit {process.ExitCode}): {(await stderr).Trim()} {lastLine}");
        }

        return JsonSerializer.Deserialize<GenAiResult>(lastLine) ?? throw new InvalidOperationException("GenAI printed no result.");
    }
}
