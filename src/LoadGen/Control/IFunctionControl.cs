namespace LlamaAspire.LoadGen.Control;

/// <summary>
/// Lambda's control plane as LoadGen uses it — GetFunctionConfiguration and UpdateFunctionConfiguration (MemorySize,
/// Environment) — the same calls on the emulator and on AWS, so <c>cold</c> and <c>tune</c> run unchanged on both.
/// </summary>
public interface IFunctionControl
{
    /// <summary>The function's memory size, variables and update status.</summary>
    Task<FunctionState> GetAsync(CancellationToken cancellationToken);

    /// <summary>Changes the memory size and/or the variables (which replace all of them, as on Lambda); null leaves one as it is.</summary>
    Task UpdateAsync(int? memorySizeMb, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken);
}
