using System.ComponentModel;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Thresholds;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>What every measuring command shares: the target, the payload, prices, thresholds and the output directory.</summary>
public class TargetSettings : CommandSettings
{
    /// <summary>The emulator's (or a Lambda-compatible) endpoint.</summary>
    [CommandOption("-e|--endpoint <URL>")]
    [Description("Invoke API endpoint: the emulator's http address. Default: $LOADGEN_ENDPOINT, else http://127.0.0.1:5050")]
    public string? Endpoint { get; init; }

    /// <summary>The function to invoke.</summary>
    [CommandOption("-f|--function <NAME>")]
    [Description("Function name or ARN (required)")]
    public string? Function { get; init; }

    /// <summary>The prompt text.</summary>
    [CommandOption("--prompt <TEXT>")]
    [Description("Prompt text. Default: a ~128-token paragraph")]
    public string? Prompt { get; init; }

    /// <summary>A file holding the prompt.</summary>
    [CommandOption("--prompt-file <PATH>")]
    [Description("Read the prompt from a file")]
    public string? PromptFile { get; init; }

    /// <summary>Tokens to generate.</summary>
    [CommandOption("--max-tokens <N>")]
    [Description("Tokens to generate per request")]
    [DefaultValue(16)]
    public int MaxTokens { get; init; } = 16;

    /// <summary>InvokeWithResponseStream instead of Invoke.</summary>
    [CommandOption("--stream")]
    [Description("Stream: InvokeWithResponseStream with \"stream\": true; the client's time to the first chunk is measured")]
    public bool Stream { get; init; }

    /// <summary>Client timeout per request.</summary>
    [CommandOption("--timeout <SECONDS>")]
    [Description("Client timeout per request, seconds")]
    [DefaultValue(900)]
    public int TimeoutSeconds { get; init; } = 900;

    /// <summary>Pass/fail criteria.</summary>
    [CommandOption("-t|--threshold <EXPR>")]
    [Description("Fail (exit 1) unless this holds, e.g. cold.p99<3000 or warm.p50<500; repeatable. Metrics: {cold|warm|all|init|duration|ttft|first_chunk}.{p50|p90|p99|max|mean|count}, errors, throttles, dropped, late, cold_starts, error_rate (%), cost_per_1m ($)")]
    public string[] Thresholds { get; init; } = [];

    /// <summary>Where results.json and summary.md go.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Write results.json (every request) and summary.md here")]
    public string? Out { get; init; }

    /// <summary>Priced architecture.</summary>
    [CommandOption("--architecture <ARCH>")]
    [Description("Price as x86_64 or arm64")]
    [DefaultValue(LambdaPrices.X64)]
    public string Architecture { get; init; } = LambdaPrices.X64;

    /// <summary>Request fee override.</summary>
    [CommandOption("--price-per-million-requests <USD>")]
    [Description("Request fee per 1M requests (default 0.20, us-east-1)")]
    public decimal? PricePerMillionRequests { get; init; }

    /// <summary>x86_64 GB-second price override.</summary>
    [CommandOption("--price-gb-second-x86 <USD>")]
    [Description("x86_64 price per GB-second (default 0.0000166667)")]
    public decimal? PriceGbSecondX64 { get; init; }

    /// <summary>arm64 GB-second price override.</summary>
    [CommandOption("--price-gb-second-arm <USD>")]
    [Description("arm64 price per GB-second (default 0.0000133334)")]
    public decimal? PriceGbSecondArm64 { get; init; }

    /// <summary>Provisioned concurrency allocation price override, for the priced architecture.</summary>
    [CommandOption("--price-provisioned-gb-second <USD>")]
    [Description("Provisioned concurrency, allocated, per GB-second, for --architecture (default 0.0000041667 x86_64, 0.0000033334 arm64)")]
    public decimal? PriceProvisionedGbSecond { get; init; }

    /// <summary>Provisioned concurrency duration price override, for the priced architecture.</summary>
    [CommandOption("--price-provisioned-duration-gb-second <USD>")]
    [Description("Duration on provisioned concurrency, per GB-second, for --architecture (default 0.0000097222 x86_64, 0.0000077778 arm64)")]
    public decimal? PriceProvisionedDurationGbSecond { get; init; }

    /// <summary>No live progress bar (logs, CI).</summary>
    [CommandOption("--no-progress")]
    [Description("No live progress bar")]
    public bool NoProgress { get; init; }

    /// <summary>The endpoint to use.</summary>
    public Uri EndpointUri => new(Endpoint ?? Environment.GetEnvironmentVariable("LOADGEN_ENDPOINT") ?? "http://127.0.0.1:5050");

    /// <summary>The prices, defaults overridden by options.</summary>
    public LambdaPrices Prices
    {
        get
        {
            var defaults = new LambdaPrices();
            return defaults with
            {
                PerRequest = PricePerMillionRequests is { } m ? m / 1_000_000m : defaults.PerRequest,
                X64PerGbSecond = PriceGbSecondX64 ?? defaults.X64PerGbSecond,
                Arm64PerGbSecond = PriceGbSecondArm64 ?? defaults.Arm64PerGbSecond,
                X64ProvisionedPerGbSecond = Architecture == LambdaPrices.X64 ? PriceProvisionedGbSecond ?? defaults.X64ProvisionedPerGbSecond : defaults.X64ProvisionedPerGbSecond,
                Arm64ProvisionedPerGbSecond = Architecture == LambdaPrices.Arm64 ? PriceProvisionedGbSecond ?? defaults.Arm64ProvisionedPerGbSecond : defaults.Arm64ProvisionedPerGbSecond,
                X64ProvisionedDurationPerGbSecond = Architecture == LambdaPrices.X64
                    ? PriceProvisionedDurationGbSecond ?? defaults.X64ProvisionedDurationPerGbSecond : defaults.X64ProvisionedDurationPerGbSecond,
                Arm64ProvisionedDurationPerGbSecond = Architecture == LambdaPrices.Arm64
                    ? PriceProvisionedDurationGbSecond ?? defaults.Arm64ProvisionedDurationPerGbSecond : defaults.Arm64ProvisionedDurationPerGbSecond,
            };
        }
    }

    /// <summary>The parsed thresholds.</summary>
    public IReadOnlyList<Threshold> ParsedThresholds => Thresholds.Select(Threshold.Parse).ToList();

    /// <summary>The payload bytes.</summary>
    public byte[] Payload() => Payloads.PromptPayload.Create(
        PromptFile is not null ? File.ReadAllText(PromptFile) : Prompt ?? Payloads.PromptPayload.DefaultPrompt, MaxTokens, Stream);

    /// <summary>Whether <c>--function</c> must be given (compare names its functions in its variants instead).</summary>
    protected virtual bool RequiresFunction => true;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (RequiresFunction && string.IsNullOrWhiteSpace(Function))
        {
            return ValidationResult.Error("--function is required: the function name the emulator serves (e.g. llama-aot).");
        }

        if (!Uri.TryCreate(Endpoint ?? "http://127.0.0.1", UriKind.Absolute, out _))
        {
            return ValidationResult.Error($"--endpoint '{Endpoint}' is not an absolute URL.");
        }

        if (PromptFile is not null && !File.Exists(PromptFile))
        {
            return ValidationResult.Error($"--prompt-file '{PromptFile}' does not exist.");
        }

        if (MaxTokens < 1 || TimeoutSeconds < 1)
        {
            return ValidationResult.Error("--max-tokens and --timeout must be at least 1.");
        }

        if (Architecture is not (LambdaPrices.X64 or LambdaPrices.Arm64))
        {
            return ValidationResult.Error($"--architecture must be {LambdaPrices.X64} or {LambdaPrices.Arm64}.");
        }

        try
        {
            _ = ParsedThresholds;
        }
        catch (FormatException ex)
        {
            return ValidationResult.Error(ex.Message);
        }

        return ValidationResult.Success();
    }
}
