namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>An error answer of the CloudFormation API (<c>ErrorResponse/Error</c>): its code and message.</summary>
internal sealed class CloudFormationException : Exception
{
    public CloudFormationException(string code, string message)
        : base($"{code}: {message}")
    {
        Code = code;
    }

    public CloudFormationException()
        : this("Unknown", "")
    {
    }

    public CloudFormationException(string message)
        : this("Unknown", message)
    {
    }

    public CloudFormationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "Unknown";
    }

    /// <summary>The error code, e.g. <c>ValidationError</c>.</summary>
    public string Code { get; } = "Unknown";
}
