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

    /// <summary>Start the repository's AppHost with this model preset and measure its emulator.</summary>
    [CommandOption("--preset <PRESET>")]
    [Description("Start the repository's AppHost with this model preset (tiny | llama-3.2-1b | llama-3.2-3b), measure its emulator instead of --endpoint, and stop it after. The first run builds the model and publishes the function")]
    public string? Preset { get; init; }

    /// <summary>Where the function runs.</summary>
    [CommandOption("--target <TARGET>")]
    [Description("emulator (the local emulator at --endpoint, unsigned) | aws (a deployed function: SigV4-signed, credentials and region from the standard AWS chain)")]
    [DefaultValue(EmulatorTarget)]
    public string Target { get; init; } = EmulatorTarget;

    /// <summary>The AWS region (aws target).</summary>
    [CommandOption("--region <REGION>")]
    [Description("aws: the region. Default: the function ARN's, else AWS_REGION / the profile's")]
    public string? Region { get; init; }

    /// <summary>The AWS profile (aws target).</summary>
    [CommandOption("--profile <NAME>")]
    [Description("aws: a profile of ~/.aws/config (keys, SSO, assume-role). Default: the standard chain (environment, AWS_PROFILE, default)")]
    public string? Profile { get; init; }

    /// <summary>The Lambda API endpoint override (aws target).</summary>
    [CommandOption("--endpoint-url <URL>")]
    [Description("aws: the Lambda API endpoint instead of https://lambda.{region}.amazonaws.com (a VPC endpoint, or a stand-in in tests)")]
    public string? EndpointUrl { get; init; }

    /// <summary>The function URL to invoke instead of the Invoke API (aws target).</summary>
    [CommandOption("--url <URL>")]
    [Description("aws: invoke through this function URL (SigV4-signed for AWS_IAM auth) instead of the Invoke API. A URL returns no log tail: no REPORT, so cold comes from the function's timings and cost is not known")]
    public string? Url { get; init; }

    /// <summary>Invoke through the function's URL, found with GetFunctionUrlConfig (aws target).</summary>
    [CommandOption("--function-url")]
    [Description("aws: invoke through the function's URL, found with GetFunctionUrlConfig (as --url, without typing it)")]
    public bool FunctionUrl { get; init; }

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

    /// <summary>A prompt of about this many tokens.</summary>
    [CommandOption("--prompt-tokens <N>")]
    [Description("A prompt of about N tokens (the default paragraph's words cut or repeated; the default is ~128). Not with --prompt or --prompt-file")]
    public int? PromptTokens { get; init; }

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

    /// <summary>Fargate vCPU-hour override.</summary>
    [CommandOption("--container-vcpu-hour <USD>")]
    [Description("Always-on container price per vCPU-hour, for the crossover (default Fargate us-east-1: 0.04048 x86_64, 0.03238 arm64)")]
    public decimal? ContainerPerVcpuHour { get; init; }

    /// <summary>Fargate GB-hour override.</summary>
    [CommandOption("--container-gb-hour <USD>")]
    [Description("Always-on container price per GB-hour, for the crossover (default Fargate us-east-1: 0.004445 x86_64, 0.00356 arm64)")]
    public decimal? ContainerPerGbHour { get; init; }

    /// <summary>No live progress bar (logs, CI).</summary>
    [CommandOption("--no-progress")]
    [Description("No live progress bar")]
    public bool NoProgress { get; init; }

    /// <summary><see cref="Target"/>: the local emulator.</summary>
    public const string EmulatorTarget = "emulator";

    /// <summary><see cref="Target"/>: a function deployed on AWS.</summary>
    public const string AwsTarget = "aws";

    /// <summary>Whether the target is a deployed function.</summary>
    public bool IsAws => Target == AwsTarget;

    /// <summary>Whether this command may invoke through a function URL (compare measures several functions, so it may not).</summary>
    protected virtual bool AllowsUrl => true;

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

    /// <summary>The always-on container's prices for the crossover, defaults overridden by options.</summary>
    public ContainerPrices ContainerPrices
    {
        get
        {
            var defaults = ContainerPrices.FargateDefaults(Architecture);
            return new ContainerPrices { PerVcpuHour = ContainerPerVcpuHour ?? defaults.PerVcpuHour, PerGbHour = ContainerPerGbHour ?? defaults.PerGbHour };
        }
    }

    /// <summary>The parsed thresholds.</summary>
    public IReadOnlyList<Threshold> ParsedThresholds => Thresholds.Select(Threshold.Parse).ToList();

    /// <summary>The payload bytes.</summary>
    public byte[] Payload() => Payloads.PromptPayload.Create(
        PromptFile is not null ? File.ReadAllText(PromptFile) : Prompt ?? Payloads.PromptPayload.OfTokens(PromptTokens ?? Payloads.PromptPayload.DefaultPromptTokens),
        MaxTokens, Stream);

    /// <summary>Whether <c>--function</c> must be given (compare names its functions in its variants instead).</summary>
    protected virtual bool RequiresFunction => true;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (RequiresFunction && string.IsNullOrWhiteSpace(Function))
        {
            return ValidationResult.Error(IsAws
                ? "--function is required: the deployed function's name or ARN."
                : "--function is required: the function name the emulator serves (e.g. llama-aot).");
        }

        if (!Uri.TryCreate(Endpoint ?? "http://127.0.0.1", UriKind.Absolute, out _))
        {
            return ValidationResult.Error($"--endpoint '{Endpoint}' is not an absolute URL.");
        }

        if (Target is not (EmulatorTarget or AwsTarget))
        {
            return ValidationResult.Error($"--target must be {EmulatorTarget} or {AwsTarget} (got '{Target}').");
        }

        if (IsAws ? Endpoint is not null : (Region ?? Profile ?? EndpointUrl ?? Url) is not null || FunctionUrl)
        {
            return ValidationResult.Error(IsAws
                ? "--endpoint is the emulator's address; with --target aws use --endpoint-url to override the Lambda API endpoint."
                : "--region, --profile, --endpoint-url, --url and --function-url are for --target aws.");
        }

        if (Preset is not null && (Endpoint is not null || IsAws))
        {
            return ValidationResult.Error("--preset starts a local AppHost and measures its emulator: leave out --endpoint and --target aws.");
        }

        if (FunctionUrl && Url is not null)
        {
            return ValidationResult.Error("--function-url finds the URL that --url gives: use one of them.");
        }

        foreach (var (option, value) in (ReadOnlySpan<(string, string?)>)[("--endpoint-url", EndpointUrl), ("--url", Url)])
        {
            if (value is not null && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            {
                return ValidationResult.Error($"{option} '{value}' is not an absolute http(s) URL.");
            }
        }

        if ((Url is not null || FunctionUrl) && !AllowsUrl)
        {
            return ValidationResult.Error("--url is one function's URL; compare measures several functions through the Invoke API (name them with --variant).");
        }

        if (new object?[] { Prompt, PromptFile, PromptTokens }.Count(o => o is not null) > 1)
        {
            return ValidationResult.Error("--prompt, --prompt-file and --prompt-tokens each give the prompt: use one of them.");
        }

        if (PromptTokens < 1)
        {
            return ValidationResult.Error($"--prompt-tokens must be at least 1 (got {PromptTokens}).");
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

        if (ContainerPerVcpuHour < 0 || ContainerPerGbHour < 0)
        {
            return ValidationResult.Error("--container-vcpu-hour and --container-gb-hour must not be negative.");
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
