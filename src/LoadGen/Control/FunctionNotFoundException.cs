namespace LlamaAspire.LoadGen.Control;

/// <summary>
/// The control plane answered 404 for the function (Lambda's ResourceNotFoundException): it does not exist there — e.g. the
/// AppHost left the S3 variant out without Node.js — so a caller measuring several can skip it and say why.
/// </summary>
public sealed class FunctionNotFoundException(string message) : InvalidOperationException(message);
