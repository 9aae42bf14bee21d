using LlamaAspire.LambdaContracts.Functions;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>A function's configuration revision, as GetFunctionConfiguration reports it.</summary>
public sealed record FunctionRevision(string Id, DateTimeOffset LastModified, string UpdateStatus)
{
    /// <summary>The revision the emulator starts with.</summary>
    public static FunctionRevision Initial() => new(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, FunctionsApi.UpdateStatuses.Successful);

    /// <summary>A new revision, update in progress.</summary>
    public FunctionRevision Next() => new(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, FunctionsApi.UpdateStatuses.InProgress);
}
