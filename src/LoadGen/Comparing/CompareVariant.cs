using System.Globalization;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>One column of <c>compare</c>: a function and, optionally, the memory size to measure it at (<c>name@MB</c>).</summary>
public sealed record CompareVariant(string Function, int? MemorySizeMb)
{
    /// <summary>The AppHost's three functions, the baseline first: vanilla (S3 download, 1 vCPU), JIT packaged, Native AOT.</summary>
    public static IReadOnlyList<CompareVariant> Defaults { get; } =
        [new("llama-vanilla", null), new("llama-jit", null), new("llama-aot", null)];

    /// <summary>Parses <c>function</c> or <c>function@MB</c>; <see cref="FormatException"/> when the size is not a Lambda size.</summary>
    public static CompareVariant Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.LastIndexOf('@');
        var function = (at < 0 ? text : text[..at]).Trim();
        if (function.Length == 0)
        {
            throw new FormatException($"--variant '{text}': no function name (use name or name@MB).");
        }

        if (at < 0)
        {
            return new CompareVariant(function, null);
        }

        if (!int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var memory)
            || memory is < LambdaLimits.MinMemoryMb or > LambdaLimits.MaxMemoryMb)
        {
            throw new FormatException($"--variant '{text}': the memory size must be {LambdaLimits.MinMemoryMb}–{LambdaLimits.MaxMemoryMb} MB.");
        }

        return new CompareVariant(function, memory);
    }

    /// <summary>The variant's name in the tables and results.json once its memory size is known: <c>function@MB</c>.</summary>
    public static string Name(string function, int memorySizeMb) => string.Create(CultureInfo.InvariantCulture, $"{function}@{memorySizeMb}");
}
