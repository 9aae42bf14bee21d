using System.Globalization;
using System.Text.RegularExpressions;
using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Thresholds;

/// <summary>
/// A pass/fail criterion such as <c>cold.p99&lt;3000</c> or <c>errors&lt;=0</c>: a metric, a comparison and a number (ms for
/// latencies, $ for cost, % for <c>error_rate</c>). A criterion on a figure that was not measured fails: CI gating on
/// cold starts must not pass because none happened.
/// </summary>
public sealed partial record Threshold(string Metric, string Operator, double Limit)
{
    /// <summary>Latency scopes, each with the statistics <see cref="Stats"/>.</summary>
    public static IReadOnlyList<string> Scopes { get; } = ["cold", "warm", "all", "init", "duration", "ttft", "first_chunk"];

    /// <summary>Statistics of a latency scope.</summary>
    public static IReadOnlyList<string> Stats { get; } = ["p50", "p90", "p99", "max", "mean", "count"];

    /// <summary>Metrics that stand alone.</summary>
    public static IReadOnlyList<string> Counters { get; } = ["errors", "throttles", "dropped", "late", "cold_starts", "error_rate", "cost_per_1m"];

    [GeneratedRegex(@"^\s*([a-z_0-9.]+)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*$")]
    private static partial Regex Syntax();

    /// <summary>Parses <c>metric op number</c>; <see cref="FormatException"/> names what is wrong and what is allowed.</summary>
    public static Threshold Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Syntax().Match(text.ToLowerInvariant());
        if (!match.Success)
        {
            throw new FormatException($"Threshold '{text}' is not 'metric<number' (operators <, <=, >, >=), e.g. cold.p99<3000.");
        }

        var metric = match.Groups[1].Value;
        var parts = metric.Split('.');
        var known = parts.Length == 2 ? Scopes.Contains(parts[0]) && Stats.Contains(parts[1]) : parts.Length == 1 && Counters.Contains(metric);
        if (!known)
        {
            throw new FormatException($"Threshold '{text}': unknown metric '{metric}'. Use {{{string.Join('|', Scopes)}}}.{{{string.Join('|', Stats)}}} or one of {string.Join(", ", Counters)}.");
        }

        return new Threshold(metric, match.Groups[2].Value, double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Checks the criterion against a variant's figures.</summary>
    public ThresholdResult Evaluate(VariantSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var actual = Measure(summary);
        if (actual is not { } value || double.IsNaN(value))
        {
            return new ThresholdResult(this, null, false, $"{Metric} was not measured");
        }

        var passed = Operator switch
        {
            "<" => value < Limit,
            "<=" => value <= Limit,
            ">" => value > Limit,
            _ => value >= Limit,
        };
        return new ThresholdResult(this, value, passed, null);
    }

    private double? Measure(VariantSummary s)
    {
        var parts = Metric.Split('.');
        if (parts.Length == 2)
        {
            var latency = parts[0] switch
            {
                "cold" => s.Cold,
                "warm" => s.Warm,
                "all" => s.All,
                "init" => s.InitDuration,
                "duration" => s.Duration,
                "ttft" => s.TimeToFirstToken,
                _ => s.FirstChunk,
            };
            return parts[1] switch
            {
                "count" => latency.Count,
                "p50" => latency.P50,
                "p90" => latency.P90,
                "p99" => latency.P99,
                "max" => latency.Max,
                _ => latency.Mean,
            };
        }

        // Errors are what the target answered badly (throttles included) or could not be reached for; dropped sends are
        // the load generator's own limit and have their own metric.
        var errors = s.Outcomes.Where(o => o.Key is not (RequestOutcome.Ok or RequestOutcome.Cancelled or RequestOutcome.Dropped)).Sum(o => o.Value);
        return Metric switch
        {
            "errors" => errors,
            "throttles" => s.Outcomes[RequestOutcome.Throttled],
            "dropped" => s.Outcomes[RequestOutcome.Dropped],
            "late" => s.Late,
            "cold_starts" => s.ColdStarts,
            "error_rate" => s.Scheduled == 0 ? null : 100.0 * errors / s.Scheduled,
            _ => s.Cost is { } cost ? (double)cost.PerMillionRequests : null,
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Metric}{Operator}{Limit.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>The outcome of one <see cref="Threshold"/>.</summary>
public sealed record ThresholdResult(Threshold Threshold, double? Actual, bool Passed, string? Reason);
