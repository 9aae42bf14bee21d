using System.Globalization;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// One column of <c>compare</c>: a function, optionally the memory size to measure it at (<c>name@MB</c>) and variables to
/// set for the measurement (<c>+NAME=VALUE</c>, repeatable; <c>+NAME=@other</c> takes the value <c>other</c> function has).
/// Sizes and variables are set with UpdateFunctionConfiguration and put back afterwards, so one function can stand for
/// several variants without another resource.
/// </summary>
public sealed record CompareVariant(string Function, int? MemorySizeMb)
{
    /// <summary>Marks a variable's value as another function's value of the same variable.</summary>
    public const char FromFunction = '@';

    /// <summary>Variables set for this variant, over the function's own (in the order given).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>
    /// The default ladder over the AppHost's functions: each step changes one technique from the one before, so the table
    /// shows each one's share of the gain — the vanilla build (JIT, .onnx from S3, 1,769 MB), then memory (10,240 MB), then
    /// the model packaged instead of downloaded (llama-jit), then the model format: llama-aot's pre-packed model (an int4
    /// embedding, logits for the last position only; llama-jit with llama-aot's MODEL_DIR), then Native AOT (llama-aot: AOT
    /// + that pre-packed model).
    /// </summary>
    public static IReadOnlyList<CompareVariant> Defaults { get; } =
    [
        new(VanillaFunction, null),
        new(VanillaFunction, LambdaLimits.MaxMemoryMb),
        new("llama-jit", LambdaLimits.MaxMemoryMb),
        new("llama-jit", LambdaLimits.MaxMemoryMb) { Environment = [new(ModelDirectoryVariable, $"{FromFunction}llama-aot")] },
        new("llama-aot", LambdaLimits.MaxMemoryMb),
    ];

    /// <summary>The AppHost's vanilla function (the model from S3 at init), which it leaves out without Node.js.</summary>
    public const string VanillaFunction = "llama-vanilla";

    /// <summary>The inference function's model directory variable (its <c>EnvVars.ModelDir</c>; LoadGen does not reference the function).</summary>
    public const string ModelDirectoryVariable = "MODEL_DIR";

    /// <summary>Parses <c>function[@MB][+NAME=VALUE]…</c>; <see cref="FormatException"/> naming what is wrong.</summary>
    public static CompareVariant Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('+');
        var head = parts[0];
        var environment = new List<KeyValuePair<string, string>>();
        foreach (var assignment in parts.Skip(1))
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"--variant '{text}': '+{assignment}' is not +NAME=VALUE.");
            }

            environment.Add(new(assignment[..equals].Trim(), assignment[(equals + 1)..]));
        }

        var at = head.LastIndexOf('@');
        var function = (at < 0 ? head : head[..at]).Trim();
        if (function.Length == 0)
        {
            throw new FormatException($"--variant '{text}': no function name (use name, name@MB or name@MB+NAME=VALUE).");
        }

        int? memory = null;
        if (at >= 0)
        {
            if (!int.TryParse(head[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var mb)
                || mb is < LambdaLimits.MinMemoryMb or > LambdaLimits.MaxMemoryMb)
            {
                throw new FormatException($"--variant '{text}': the memory size must be {LambdaLimits.MinMemoryMb}–{LambdaLimits.MaxMemoryMb} MB.");
            }

            memory = mb;
        }

        return new CompareVariant(function, memory) { Environment = environment };
    }

    /// <summary>The variant's name in the tables and results.json once its memory size is known: <c>function@MB[+NAME=VALUE]…</c>.</summary>
    public string NameAt(int memorySizeMb) => Name(Function, memorySizeMb) + Assignments;

    /// <summary>As given, before its function's own memory size is known: <c>function[@MB][+NAME=VALUE]…</c>.</summary>
    public string Label => (MemorySizeMb is { } mb ? Name(Function, mb) : Function) + Assignments;

    private string Assignments => string.Concat(Environment.Select(v => $"+{v.Key}={v.Value}"));

    /// <summary>Equal when the function, the size and the variables (in order) are.</summary>
    public bool Equals(CompareVariant? other) =>
        other is not null && Function == other.Function && MemorySizeMb == other.MemorySizeMb && Environment.SequenceEqual(other.Environment);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Function, MemorySizeMb, Environment.Count);

    /// <summary><c>function@MB</c>.</summary>
    public static string Name(string function, int memorySizeMb) => string.Create(CultureInfo.InvariantCulture, $"{function}@{memorySizeMb}");
}
