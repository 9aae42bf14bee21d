using System.Text.Json;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// The init breakdown's two rows beside the function's phases: platform init (REPORT Init Duration − the function's init
/// total) and the first prefill (the cold start's <c>timings.prefill_ms</c>), on hand-made samples.
/// </summary>
public sealed class InitBreakdownRowsTests
{
    private static RequestRecord Request(int index, double? initDuration, double? functionInit, double prefill) => new()
    {
        Index = index,
        ScheduledMs = index,
        SentMs = index,
        LatencyMs = 2000,
        ServiceMs = 2000,
        Outcome = RequestOutcome.Ok,
        Report = new ReportFields(500, 500, initDuration, 3008, 400),
        Answer = new FunctionAnswer(100, 8, 30, 200, initDuration is not null,
            functionInit is { } total ? new InitBreakdown(total, new Dictionary<string, double> { [FunctionTelemetryNames.WeightLoadSpan] = total - 100 }) : null,
            prefill),
    };

    // Two cold starts (platform 1,000 − 880 = 120 and 1,300 − 1,100 = 200 ms; prefills 150 and 250 ms), a cold start whose
    // function reported no init (no platform figure; its prefill, 350 ms, still counts) and a warm invoke (prefill 20 ms: not a first).
    private static readonly RequestRecord[] Requests =
        [Request(0, 1000, 880, 150), Request(1, 1300, 1100, 250), Request(2, 900, null, 350), Request(3, null, null, 20)];

    [Fact]
    public void The_answer_carries_prefill_ms()
    {
        var answer = FunctionAnswer.Parse("""
            {"text":"hi","usage":{"prompt_tokens":131,"completion_tokens":4},
             "timings":{"prefill_ms":412.5,"decode_ms":30,"decode_tokens_per_second":100,"time_to_first_token_ms":420,"cold_start":true,
                        "init":{"total_ms":877.3,"phases":{"weight load":500}}}}
            """u8);

        Assert.Equal(412.5, answer!.PrefillMs);
        Assert.Equal(877.3, answer.Init!.TotalMs);
    }

    [Fact]
    public void Platform_init_is_report_init_duration_less_the_functions_init_total()
    {
        Assert.Equal([120, 200, null, null], Requests.Select(r => r.PlatformInitMs));

        var summary = VariantSummary.Of(Requests, new CostModel(new LambdaPrices(), LambdaPrices.X64));

        Assert.Equal(160, summary.PlatformInitMs);  // (120 + 200) ÷ 2
        Assert.Equal(250, summary.FirstPrefillMs);  // (150 + 250 + 350) ÷ 3, the warm invoke's 20 left out
    }

    [Fact]
    public void The_breakdown_table_has_platform_init_first_and_the_first_prefill_after_the_phases()
    {
        var summary = VariantSummary.Of(Requests, new CostModel(new LambdaPrices(), LambdaPrices.X64));

        var table = SummaryTables.Build([("cold", summary)]).Single(t => t.Title.StartsWith("Init breakdown", StringComparison.Ordinal));

        Assert.Equal([VariantSummary.PlatformInitLabel, FunctionTelemetryNames.WeightLoadSpan, VariantSummary.FirstPrefillLabel, "init total (function)", "REPORT Init Duration p50"],
            table.Rows.Select(r => r[0]));
        Assert.Equal("160", table.Rows[0][1]);
        Assert.Equal("250", table.Rows[2][1]);
        Assert.Equal("990", table.Rows[3][1]); // (880 + 1,100) ÷ 2
    }

    [Fact]
    public async Task Results_json_has_prefill_and_platform_init_per_cold_start()
    {
        var path = Path.Combine(Path.GetTempPath(), $"loadgen-init-rows-{Guid.NewGuid():N}.json");
        var document = new ResultsDocument
        {
            Command = "cold",
            StartedAt = DateTimeOffset.UnixEpoch,
            Target = "test",
            Function = "llama",
            Architecture = LambdaPrices.X64,
            Prices = new LambdaPrices(),
            Variants = [new VariantResults("cold", null, Requests)],
        };
        try
        {
            await ResultsJson.WriteAsync(document, path, default);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            var requests = json.RootElement.GetProperty("variants")[0].GetProperty("requests");
            Assert.Equal(120, requests[0].GetProperty("platformInitMs").GetDouble());
            Assert.Equal(150, requests[0].GetProperty("answer").GetProperty("prefillMs").GetDouble());
            Assert.False(requests[3].TryGetProperty("platformInitMs", out _)); // warm: no init

            var back = await ResultsJson.ReadAsync(path, default);
            Assert.Equal(Requests.Select(r => r.PlatformInitMs), back.Variants[0].Requests.Select(r => r.PlatformInitMs));
            Assert.Equal(Requests.Select(r => r.Answer!.PrefillMs), back.Variants[0].Requests.Select(r => r.Answer!.PrefillMs));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
