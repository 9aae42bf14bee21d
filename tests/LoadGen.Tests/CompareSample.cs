using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// A synthetic compare run with round figures: the baseline at 1,024 MB (cold 2,000 ms with a 300 ms model download, warm
/// 1,000 ms billed) and a second variant at the maximum memory (cold 500 ms, warm 250 ms billed), priced without a request
/// fee at $0.00001 per GB-s against a container at $0.036 per GB-hour only. Platform init 50 ms, first prefill 40 ms.
/// </summary>
internal static class CompareSample
{
    public static RequestRecord Request(int index, double latency, double billed, bool cold, int memory, bool download = false) => new()
    {
        Index = index,
        ScheduledMs = index,
        SentMs = index,
        LatencyMs = latency,
        ServiceMs = latency,
        Outcome = RequestOutcome.Ok,
        Report = new ReportFields(billed, billed, cold ? latency - billed : null, memory, 900),
        // The function's init total is 50 ms short of REPORT's Init Duration (the platform's part); a cold start's prefill is
        // 40 ms, a warm one's 10.
        Answer = new FunctionAnswer(100, 8, 30, 200, cold, cold
            ? new InitBreakdown(latency - billed - 50, download
                ? new Dictionary<string, double> { [FunctionTelemetryNames.ModelDownloadSpan] = 300, [FunctionTelemetryNames.WeightLoadSpan] = 600 }
                : new Dictionary<string, double> { [FunctionTelemetryNames.WeightLoadSpan] = 200 })
            : null, cold ? 40 : 10),
    };

    public static ResultsDocument Document(int provisioned = 0) => new()
    {
        Command = "compare",
        StartedAt = DateTimeOffset.UnixEpoch,
        Target = "test",
        Function = "llama-vanilla, llama-aot",
        Architecture = LambdaPrices.X64,
        Prices = new LambdaPrices { PerRequest = 0, X64PerGbSecond = 0.00001m },
        Compare = new CompareSetup
        {
            ColdStarts = 1,
            WarmInvokes = 2,
            ProcessorCount = 2,
            S3MegabytesPerSecond = 90,
            ModelMegabytes = 900,
            Container = new ContainerPrices { PerVcpuHour = 0, PerGbHour = 0.036m },
            Provisioned = provisioned,
        },
        Variants =
        [
            new VariantResults("llama-vanilla@1024", 1024,
                [Request(0, 2000, 1000, true, 1024, download: true), Request(1, 1010, 1000, false, 1024), Request(2, 1010, 1000, false, 1024)], "llama-vanilla"),
            new VariantResults($"llama-aot@{LambdaLimits.MaxMemoryMb}", LambdaLimits.MaxMemoryMb,
                [Request(0, 500, 250, true, LambdaLimits.MaxMemoryMb), Request(1, 260, 250, false, LambdaLimits.MaxMemoryMb), Request(2, 260, 250, false, LambdaLimits.MaxMemoryMb)], "llama-aot"),
        ],
    };

    public static IReadOnlyList<(string Name, VariantSummary Summary)> Summaries(ResultsDocument document) =>
        document.Variants.Select(v => (v.Name, VariantSummary.Of(v.Requests, document.CostModel()))).ToList();
}
