namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>An error answer of the ECR API (JSON 1.1 <c>__type</c>): its code and message.</summary>
internal sealed class EcrException : Exception
{
    public EcrException(string code, string message, Exception? innerException = null)
        : base($"{code}: {message}", innerException)
    {
        Code = code;
    }

    public EcrException()
        : this("Unknown", "")
    {
    }

    public EcrException(string message)
        : this("Unknown", message)
    {
    }

    public EcrException(string message, Exception innerException)
        : this("Unknown", message, innerException)
    {
    }

    /// <summary>The error code, e.g. <c>RepositoryAlreadyExistsException</c>.</summary>
    public string Code { get; } = "Unknown";
}
