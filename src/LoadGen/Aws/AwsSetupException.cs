namespace LlamaAspire.LoadGen.Aws;

/// <summary>The AWS target cannot be used as configured (no credentials, no region, no such profile); the message says what to do.</summary>
public sealed class AwsSetupException(string message, Exception? inner = null) : Exception(message, inner);
