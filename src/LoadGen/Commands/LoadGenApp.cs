using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>The command line, built around a console so tests can run it in-process and read what it printed.</summary>
public static class LoadGenApp
{
    /// <summary>The app with every command registered.</summary>
    public static CommandApp Create(IAnsiConsole console)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("llama-loadgen");
            config.ConfigureConsole(console);
            config.Settings.Registrar.RegisterInstance(console);
            config.AddCommand<RunCommand>("run")
                .WithDescription("Open-loop traffic (burst, steady, ramp, replay) against one function; cold and warm latency apart")
                .WithExample("run", "burst", "-f", "llama-aot", "--size", "4", "--bursts", "2", "--gap", "5")
                .WithExample("run", "steady", "-f", "llama-aot", "--rate", "2", "--duration", "30", "--threshold", "warm.p99<2000");
            config.AddCommand<ColdCommand>("cold")
                .WithDescription("K forced cold starts, one at a time (UpdateFunctionConfiguration of an environment variable, as lambda-perf does): client latency, REPORT Init Duration and the function's init breakdown")
                .WithExample("cold", "-f", "llama-aot", "-k", "10", "--threshold", "cold.p99<3000");
            config.AddCommand<TuneCommand>("tune")
                .WithDescription("Memory sweep (UpdateFunctionConfiguration MemorySize): N invokes per size, cost and latency, and the size a strategy recommends")
                .WithExample("tune", "-f", "llama-aot", "-n", "10", "--strategy", "balanced", "--weight", "0.5")
                .WithExample("tune", "-f", "llama-aot", "--memory", "1024,3008,10240", "--cold-only", "-n", "5");
            config.AddCommand<CompareCommand>("compare")
                .WithDescription("Variants (function or function@MB) in one run, each K forced cold starts + N warm invokes: one table with the init breakdown, the ratio to the first, cost and the always-on container crossover")
                .WithExample("compare", "--variant", "llama-vanilla", "--variant", "llama-vanilla@10240", "--variant", "llama-jit@10240", "--variant", "llama-aot@10240", "-k", "5", "-n", "10", "--out", "results/")
                .WithExample("compare", "-k", "3", "-n", "5", "--model-mb", "1100", "--provisioned", "1", "--out", "results/");
            config.AddCommand<ReportCommand>("report")
                .WithDescription("Render the tables and check thresholds again from a saved results.json; with --out also summary.md, the charts and report.html")
                .WithExample("report", "results/", "-t", "cold.p99<3000");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("Two saved result sets side by side, with the change per figure")
                .WithExample("diff", "results-before/", "results-after/");
        });
        return app;
    }
}
