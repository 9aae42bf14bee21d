namespace LlamaAspire.Otlp;

/// <summary>A span's kind, numbered as in opentelemetry-proto's <c>Span.SpanKind</c> so wire values map one to one.</summary>
public enum OtlpSpanKind
{
    /// <summary>The exporter did not say.</summary>
    Unspecified = 0,

    /// <summary>An operation inside the process (the default for <c>ActivitySource.StartActivity</c>).</summary>
    Internal = 1,

    /// <summary>The server side of a synchronous remote call.</summary>
    Server = 2,

    /// <summary>The client side of a synchronous remote call.</summary>
    Client = 3,

    /// <summary>The sender of an asynchronous message.</summary>
    Producer = 4,

    /// <summary>The receiver of an asynchronous message.</summary>
    Consumer = 5,
}
