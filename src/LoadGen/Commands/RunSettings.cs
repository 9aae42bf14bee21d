using System.ComponentModel;
using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>run &lt;shape&gt;</c>: the traffic shape and its bounds.</summary>
public sealed class RunSettings : TargetSettings
{
    /// <summary>burst, steady, ramp or replay.</summary>
    [CommandArgument(0, "<shape>")]
    [Description("burst (N concurrent after an idle gap) | steady (open loop at a fixed rate) | ramp (rate from → to over --duration) | replay (arrival offsets from --file)")]
    public string Shape { get; init; } = "";

    /// <summary>The count bound.</summary>
    [CommandOption("-n|--requests <N>")]
    [Description("Send at most N requests (count bound)")]
    [DefaultValue(1000)]
    public int Requests { get; init; } = 1000;

    /// <summary>The time bound.</summary>
    [CommandOption("-d|--duration <SECONDS>")]
    [Description("Send nothing scheduled after this (time bound); also the ramp's length")]
    [DefaultValue(60.0)]
    public double DurationSeconds { get; init; } = 60;

    /// <summary>Burst size.</summary>
    [CommandOption("--size <N>")]
    [Description("burst: requests sent at once")]
    [DefaultValue(10)]
    public int Size { get; init; } = 10;

    /// <summary>Number of bursts.</summary>
    [CommandOption("--bursts <N>")]
    [Description("burst: how many bursts")]
    [DefaultValue(1)]
    public int Bursts { get; init; } = 1;

    /// <summary>The gap between bursts.</summary>
    [CommandOption("--gap <SECONDS>")]
    [Description("burst: idle gap between bursts")]
    [DefaultValue(10.0)]
    public double GapSeconds { get; init; } = 10;

    /// <summary>Steady rate.</summary>
    [CommandOption("-r|--rate <PER_SECOND>")]
    [Description("steady: arrivals per second")]
    [DefaultValue(1.0)]
    public double Rate { get; init; } = 1;

    /// <summary>Ramp start rate.</summary>
    [CommandOption("--from-rate <PER_SECOND>")]
    [Description("ramp: rate at the start")]
    [DefaultValue(0.0)]
    public double FromRate { get; init; }

    /// <summary>Ramp end rate.</summary>
    [CommandOption("--to-rate <PER_SECOND>")]
    [Description("ramp: rate at the end of --duration")]
    [DefaultValue(5.0)]
    public double ToRate { get; init; } = 5;

    /// <summary>Replay file.</summary>
    [CommandOption("--file <PATH>")]
    [Description("replay: one arrival offset in ms per line (first CSV column; # comments)")]
    public string? File { get; init; }

    /// <summary>In-flight cap.</summary>
    [CommandOption("--max-in-flight <N>")]
    [Description("Outstanding requests at most")]
    [DefaultValue(1024)]
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>What to do at the cap.</summary>
    [CommandOption("--overload <POLICY>")]
    [Description("At --max-in-flight: wait (send late; the wait counts in latency) or drop (count as dropped)")]
    [DefaultValue(OverloadPolicy.Wait)]
    public OverloadPolicy Overload { get; init; } = OverloadPolicy.Wait;

    /// <summary>The arrival offsets the shape describes.</summary>
    public IEnumerable<TimeSpan> Schedule() => Shape switch
    {
        "burst" => ArrivalSchedules.Burst(Size, Bursts, TimeSpan.FromSeconds(GapSeconds)),
        "steady" => ArrivalSchedules.Steady(Rate),
        "ramp" => ArrivalSchedules.Ramp(FromRate, ToRate, TimeSpan.FromSeconds(DurationSeconds)),
        _ => ArrivalSchedules.Replay(System.IO.File.ReadLines(File!)),
    };

    /// <summary>The runner's bounds.</summary>
    public RunnerOptions RunnerOptions() => new()
    {
        MaxRequests = Requests,
        MaxDuration = TimeSpan.FromSeconds(DurationSeconds),
        MaxInFlight = MaxInFlight,
        Overload = Overload,
    };

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Shape is not ("burst" or "steady" or "ramp" or "replay"))
        {
            return ValidationResult.Error($"Unknown shape '{Shape}': use burst, steady, ramp or replay.");
        }

        if (Shape == "replay" && (File is null || !System.IO.File.Exists(File)))
        {
            return ValidationResult.Error("replay needs --file with the arrival offsets (ms per line).");
        }

        if (Requests < 1 || DurationSeconds <= 0 || MaxInFlight < 1 || Size < 1 || Bursts < 1 || GapSeconds < 0 || Rate <= 0 || FromRate < 0 || ToRate < 0 || FromRate + ToRate <= 0)
        {
            return ValidationResult.Error("--requests, --duration, --max-in-flight, --size, --bursts and --rate must be positive; rates and --gap not negative.");
        }

        return base.Validate();
    }
}
