using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>
/// Overhead benchmark (not a test): warm invokes of the test function's echo through the Invoke API.
/// For each invoke: end-to-end latency at the client, the REPORT Duration (delivery on /next → /response, i.e.
/// the runtime client + handler as the platform sees them), and their difference — what the emulator adds.
/// Then echo throughput with several concurrent clients. Run in Release:
/// <c>dotnet run --project tests/LambdaEmulator.Tests -c Release -- bench [iterations] [concurrency]</c>.
/// </summary>
public static class Benchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"LambdaEmulator overhead benchmark: {Environment.ProcessorCount} cores, {iterations} warm echo invokes, throughput with {concurrency} clients");
        foreach (var freeze in new[] { true, false })
        {
            await RunOneAsync(freeze, iterations, concurrency);
        }

        return 0;
    }

    private static async Task RunOneAsync(bool freeze, int iterations, int concurrency)
    {
        var config = EmulatorHost.TestFunction("echo", memory: 1769, timeout: 30);
        config["Lambda:Freeze"] = freeze ? "true" : "false";
        await using var host = await EmulatorHost.StartAsync(config);
        var durations = new Dictionary<string, double>();
        var log = (Telemetry.PlatformLog)host.App.Services.GetService(typeof(Telemetry.PlatformLog))!;
        log.LineWritten += line =>
        {
            if (!line.StartsWith("REPORT RequestId: ", StringComparison.Ordinal))
            {
                return;
            }

            var parts = line.Split('\t');
            var id = parts[0]["REPORT RequestId: ".Length..];
            var ms = double.Parse(parts[1]["Duration: ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
            lock (durations)
            {
                durations[id] = ms;
            }
        };
        const string payload = """{"action":"echo","message":"hello"}""";
        for (var i = 0; i < 200; i++) // warm-up: cold start, JIT on both sides
        {
            (await host.InvokeAsync("echo", payload)).Dispose();
        }

        var e2e = new List<(string Id, double Ms)>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await host.InvokeAsync("echo", payload);
            await response.Content.ReadAsByteArrayAsync();
            e2e.Add((response.Headers.GetValues("x-amzn-RequestId").Single(), Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }
        await Task.Delay(300);
        var floor = new List<double>(iterations);
        for (var i = 0; i < Math.Min(iterations, 1000); i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var r = await host.Client.GetAsync("/alive");
            await r.Content.ReadAsByteArrayAsync();
            floor.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        List<double> report, overhead;
        lock (durations)
        {
            report = e2e.Where(e => durations.ContainsKey(e.Id)).Select(e => durations[e.Id]).ToList();
            overhead = e2e.Where(e => durations.ContainsKey(e.Id)).Select(e => e.Ms - durations[e.Id]).ToList();
        }

        var sw = Stopwatch.StartNew();
        var count = 0;
        var until = TimeSpan.FromSeconds(5);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (sw.Elapsed < until)
            {
                using var r = await host.InvokeAsync("echo", payload);
                await r.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref count);
            }
        }));
        var fn = await host.FunctionAsync("echo");

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"-- Freeze={freeze} --");
        sb.AppendLine(Line("end-to-end invoke latency", e2e.Select(e => e.Ms).ToList()));
        sb.AppendLine(Line("REPORT Duration (runtime+handler)", report));
        sb.AppendLine(Line("emulator overhead (e2e - Duration)", overhead));
        sb.AppendLine(Line("HTTP floor (GET /alive)", floor));
        sb.AppendLine(CultureInfo.InvariantCulture, $"  echo throughput: {count / sw.Elapsed.TotalSeconds:F0} invokes/s with {concurrency} clients ({fn.GetProperty("environments").GetArrayLength()} environments)");
        Console.Write(sb.ToString());
    }

    private static string Line(string name, List<double> values)
    {
        values.Sort();
        double P(double q) => values.Count == 0 ? double.NaN : values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"  {name,-38} p50 {P(0.50),7:F3} ms  p90 {P(0.90),7:F3} ms  p99 {P(0.99),7:F3} ms  (n={values.Count})");
    }
}
