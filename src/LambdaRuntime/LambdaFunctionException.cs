using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// An error the function reports with a chosen <c>errorType</c> (e.g. <c>InvalidRequest</c>). Any other exception is reported with
/// its type name as the errorType (as AWS's .NET runtime does), and every exception with its stack trace lines.
/// </summary>
public class LambdaFunctionException(string errorType, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The <c>errorType</c> reported to the Runtime API.</summary>
    public string ErrorType { get; } = string.IsNullOrEmpty(errorType) ? LambdaErrorTypes.FunctionError : errorType;
}
