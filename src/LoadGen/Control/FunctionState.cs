namespace LlamaAspire.LoadGen.Control;

/// <summary>The part of a function's configuration LoadGen changes, and whether the last change is in effect.</summary>
public sealed record FunctionState(int MemorySizeMb, IReadOnlyDictionary<string, string> Environment, bool UpdateComplete);
