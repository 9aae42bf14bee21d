using System.Text.Json;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LoadGen.Cost;

namespace LlamaAspire.LoadGen.Measurement;

/// <summary>
/// The figures of one variant's requests: cold and warm latency apart (cold = REPORT carries an Init Duration), REPORT
/// durations, the function's time to first token and decode rate, the mean init breakdown, outcomes, errors by type, cost.
/// </summary>
public sealed record VariantSummary
{
    /// <summary>Scheduled requests, whatever became of them.</summary>
    public required int Scheduled { get; init; }

    /// <summary>Answered <see cref="RequestOutcome.Ok"/>.</summary>
    public required int Ok { get; init; }

    /// <summary>Cold starts among the answered requests.</summary>
    public required int ColdStarts { get; init; }

    /// <summary>Requests by outcome (all outcomes present, zeros included).</summary>
    public required IReadOnlyDictionary<RequestOutcome, int> Outcomes { get; init; }

    /// <summary>Failures by <c>outcome/type</c>, e.g. <c>throttled/TooManyRequestsException</c>.</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    /// <summary>Sent later than the tolerance after their scheduled time.</summary>
    public required int Late { get; init; }

    /// <summary>Client latency (from the scheduled send) of successful cold starts.</summary>
    public required LatencySummary Cold { get; init; }

    /// <summary>Client latency of successful warm invokes.</summary>
    public required LatencySummary Warm { get; init; }

    /// <summary>Client latency of every successful invoke.</summary>
    public required LatencySummary All { get; init; }

    /// <summary>REPORT Init Duration of the cold starts.</summary>
    public required LatencySummary InitDuration { get; init; }

    /// <summary>REPORT Duration of every successful invoke.</summary>
    public required LatencySummary Duration { get; init; }

    /// <summary>Streaming: the client's time to the first chunk, from the send.</summary>
    public LatencySummary FirstChunk { get; init; } = LatencySummary.Empty;

    /// <summary>The function's time to first token (cold and warm).</summary>
    public required LatencySummary TimeToFirstToken { get; init; }

    /// <summary>Mean decode tokens per second the function reported.</summary>
    public double? DecodeTokensPerSecond { get; init; }

    /// <summary>Largest REPORT Max Memory Used, MB.</summary>
    public long? MaxMemoryUsedMb { get; init; }

    /// <summary>The mean of each init phase over the cold starts that reported one, in
    /// <see cref="FunctionTelemetryNames.InitPhases"/> order then any others; with the mean total.</summary>
    public InitBreakdown? Init { get; init; }

    /// <summary>The init breakdown's row of <see cref="PlatformInitMs"/>, labelled with how it is derived.</summary>
    public const string PlatformInitLabel = "platform init (REPORT Init Duration − function init total)";

    /// <summary>The init breakdown's row of <see cref="FirstPrefillMs"/>.</summary>
    public const string FirstPrefillLabel = "first prefill (the cold start's invoke)";

    /// <summary>Mean <see cref="RequestRecord.PlatformInitMs"/> over the cold starts that have one.</summary>
    public double? PlatformInitMs { get; init; }

    /// <summary>Mean <c>timings.prefill_ms</c> of the cold starts: each environment's first prefill, after its init.</summary>
    public double? FirstPrefillMs { get; init; }

    /// <summary>Cost at the measured mix, when any invoke had a REPORT.</summary>
    public CostEstimate? Cost { get; init; }

    /// <summary>Summarizes a variant's requests.</summary>
    public static VariantSummary Of(IReadOnlyCollection<RequestRecord> requests, CostModel cost)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(cost);
        var ok = requests.Where(r => r.Outcome == RequestOutcome.Ok && r.LatencyMs is not null).ToList();
        var cold = ok.Where(r => r.Cold == true).ToList();
        var failed = requests.Where(r => r.Outcome is not RequestOutcome.Ok);
        var answers = ok.Select(r => r.Answer).OfType<FunctionAnswer>().ToList();
        var billed = requests.Where(r => r.Report is not null)
            .Select(r => new BilledInvoke(r.Report!.BilledDurationMs, r.Report.MemorySizeMb, r.Report.IsColdStart, r.Answer?.CompletionTokens));

        return new VariantSummary
        {
            Scheduled = requests.Count,
            Ok = ok.Count,
            ColdStarts = cold.Count,
            Outcomes = Enum.GetValues<RequestOutcome>().ToDictionary(o => o, o => requests.Count(r => r.Outcome == o)),
            Errors = failed.GroupBy(r => $"{OutcomeName(r.Outcome)}/{r.ErrorType ?? "-"}", StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Late = requests.Count(r => r.Late),
            Cold = LatencySummary.Of(cold.Select(r => r.LatencyMs!.Value)),
            Warm = LatencySummary.Of(ok.Where(r => r.Cold == false).Select(r => r.LatencyMs!.Value)),
            All = LatencySummary.Of(ok.Select(r => r.LatencyMs!.Value)),
            InitDuration = LatencySummary.Of(cold.Select(r => r.Report?.InitDurationMs).OfType<double>()), // a function URL has no REPORT
            Duration = LatencySummary.Of(ok.Where(r => r.Report is not null).Select(r => r.Report!.DurationMs)),
            FirstChunk = LatencySummary.Of(ok.Select(r => r.FirstChunkMs).OfType<double>()),
            TimeToFirstToken = LatencySummary.Of(answers.Select(a => a.TimeToFirstTokenMs).OfType<double>()),
            DecodeTokensPerSecond = answers.Select(a => a.DecodeTokensPerSecond).OfType<double>().DefaultIfEmpty(double.NaN).Average() is var d && double.IsFinite(d) ? d : null,
            MaxMemoryUsedMb = requests.Select(r => r.Report?.MaxMemoryUsedMb).Max(),
            Init = MeanInit(cold.Select(r => r.Answer?.Init).OfType<InitBreakdown>().ToList()),
            PlatformInitMs = Mean(cold.Select(r => r.PlatformInitMs)),
            FirstPrefillMs = Mean(cold.Select(r => r.Answer?.PrefillMs)),
            Cost = CostEstimate.From(cost, billed),
        };
    }

    /// <summary>An outcome as results.json spells it (<c>function_error</c>).</summary>
    public static string OutcomeName(RequestOutcome outcome) => JsonNamingPolicy.SnakeCaseLower.ConvertName(outcome.ToString());

    private static double? Mean(IEnumerable<double?> values) =>
        values.OfType<double>().DefaultIfEmpty(double.NaN).Average() is var mean && double.IsFinite(mean) ? mean : null;

    private static InitBreakdown? MeanInit(List<InitBreakdown> inits)
    {
        if (inits.Count == 0)
        {
            return null;
        }

        var names = FunctionTelemetryNames.InitPhases.Where(p => inits.Any(i => i.Phases.ContainsKey(p)))
            .Concat(inits.SelectMany(i => i.Phases.Keys).Where(k => !FunctionTelemetryNames.InitPhases.Contains(k)).Distinct(StringComparer.Ordinal));
        var phases = names.ToDictionary(n => n, n => inits.Where(i => i.Phases.ContainsKey(n)).Average(i => i.Phases[n]), StringComparer.Ordinal);
        var totals = inits.Select(i => i.TotalMs).OfType<double>().ToList();
        return new InitBreakdown(totals.Count > 0 ? totals.Average() : null, phases);
    }
}
