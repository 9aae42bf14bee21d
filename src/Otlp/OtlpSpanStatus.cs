namespace LlamaAspire.Otlp;

/// <summary>A span's status: its code, and the description an exporter sends with <see cref="OtlpStatusCode.Error"/>.</summary>
/// <param name="Code">The status code.</param>
/// <param name="Message">The description, or null when none was sent.</param>
public readonly record struct OtlpSpanStatus(OtlpStatusCode Code, string? Message);
