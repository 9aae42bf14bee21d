namespace LlamaAspire.Hosting.Deploy;

/// <summary>A configuration that cannot work on Lambda; each reason names the limit and by how much it is exceeded.</summary>
internal sealed class DeployRefusedException : Exception
{
    public DeployRefusedException(IReadOnlyList<string> reasons)
        : base($"Refused: {string.Join(" ", reasons)}")
    {
        Reasons = reasons;
    }

    public DeployRefusedException()
        : this([])
    {
    }

    public DeployRefusedException(string message)
        : this([message])
    {
    }

    public DeployRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reasons = [message];
    }

    /// <summary>Why, one sentence per broken limit.</summary>
    public IReadOnlyList<string> Reasons { get; } = [];
}
