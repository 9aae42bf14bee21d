using Microsoft.Extensions.Logging;

namespace LlamaAspire.Otlp;

/// <summary>Where both transports hand decoded spans: into the store, with one log line per export.</summary>
internal sealed class SpanIngest(OtlpSpanStore store, ILogger logger)
{
    public ILogger Logger => logger;

    public void Accept(IReadOnlyList<OtlpSpan> spans, OtlpProtocol protocol)
    {
        store.Add(spans);
        logger.LogDebug("Received {SpanCount} spans over {Protocol}.", spans.Count, protocol);
    }
}
