using System.Diagnostics;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Telemetry;

/// <summary>An invoke target that records every invoke in <see cref="LoadGenMetrics"/> (nothing is recorded when no exporter listens).</summary>
public sealed class MeteredTarget(IInvokeTarget inner) : IInvokeTarget
{
    /// <inheritdoc />
    public string FunctionName => inner.FunctionName;

    /// <inheritdoc />
    public string Description => inner.Description;

    /// <inheritdoc />
    public async Task<InvokeResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var function = new KeyValuePair<string, object?>(LoadGenMetrics.FunctionTag, inner.FunctionName);
        LoadGenMetrics.Active.Add(1, function);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await inner.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
            var cold = result.Report?.IsColdStart ?? result.Answer?.ColdStart;
            var tags = new TagList { function, { LoadGenMetrics.OutcomeTag, VariantSummary.OutcomeName(result.Outcome) } };
            if (cold is { } isCold)
            {
                tags.Add(LoadGenMetrics.ColdTag, isCold);
            }

            LoadGenMetrics.RequestCount.Add(1, tags);
            LoadGenMetrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            if (cold == true)
            {
                LoadGenMetrics.ColdStartCount.Add(1, function);
            }

            return result;
        }
        finally
        {
            LoadGenMetrics.Active.Add(-1, function);
        }
    }
}
