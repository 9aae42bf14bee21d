namespace LlamaAspire.LoadGen.ColdStarts;

/// <summary>Makes the function's next invoke a cold start: no execution environment of it may be reused.</summary>
public interface IColdStartTrigger
{
    /// <summary>How, for tables and results.json (e.g. <c>emulator recycle</c>).</summary>
    string Method { get; }

    /// <summary>Retires the function's environments; returns when the next invoke will initialize a new one.</summary>
    Task ForceAsync(CancellationToken cancellationToken);
}
