using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaAspire.LambdaContracts.Functions;

// The members are AWS's, named and meant as in the Lambda API reference (FunctionConfiguration, UpdateFunctionConfiguration):
// repeating that reference member by member would say each fact twice.
#pragma warning disable CS1591

/// <summary>GetFunctionConfiguration's answer, and each item of ListFunctions (AWS's member names).</summary>
public sealed record FunctionConfiguration
{
    public required string FunctionName { get; init; }
    public required string FunctionArn { get; init; }
    public string? Runtime { get; init; }
    public string? Role { get; init; }
    public string? Handler { get; init; }
    public long CodeSize { get; init; }
    public string? Description { get; init; }
    public int Timeout { get; init; }
    public int MemorySize { get; init; }
    public string? LastModified { get; init; }
    public string? CodeSha256 { get; init; }
    public string Version { get; init; } = InvokeApi.LatestVersion;
    public FunctionEnvironment? Environment { get; init; }
    public TracingConfig? TracingConfig { get; init; }
    public string? RevisionId { get; init; }
    public string? State { get; init; }
    public string? LastUpdateStatus { get; init; }
    public string? LastUpdateStatusReason { get; init; }
    public string? PackageType { get; init; }
    public IReadOnlyList<string>? Architectures { get; init; }
    public EphemeralStorage? EphemeralStorage { get; init; }
    public LoggingConfig? LoggingConfig { get; init; }
    public SnapStartResponse? SnapStart { get; init; }
}

/// <summary>CreateFunction / UpdateFunctionConfiguration's <c>SnapStart</c>: <c>ApplyOn</c> is PublishedVersions or None.</summary>
public sealed record SnapStartSetting(string? ApplyOn);

/// <summary>GetFunctionConfiguration's <c>SnapStart</c>: the setting and whether it is in effect for this version.</summary>
public sealed record SnapStartResponse(string ApplyOn, string OptimizationStatus);

/// <summary><c>Environment</c>: the function's variables (a request replaces all of them).</summary>
public sealed record FunctionEnvironment(IReadOnlyDictionary<string, string>? Variables);

/// <summary><c>TracingConfig</c>: <c>PassThrough</c> or <c>Active</c>.</summary>
public sealed record TracingConfig(string Mode);

/// <summary><c>EphemeralStorage</c>: /tmp in MB, 512–10,240.</summary>
public sealed record EphemeralStorage(int Size);

/// <summary><c>LoggingConfig</c>.</summary>
public sealed record LoggingConfig(string LogFormat, string LogGroup);

/// <summary>UpdateFunctionConfiguration's body: the settings to change; anything else AWS accepts lands in <see cref="Unsupported"/>
/// so the emulator can refuse it by name instead of ignoring it.</summary>
public sealed record UpdateFunctionConfigurationRequest
{
    public int? MemorySize { get; init; }
    public int? Timeout { get; init; }
    public FunctionEnvironment? Environment { get; init; }
    public string? Description { get; init; }
    public EphemeralStorage? EphemeralStorage { get; init; }
    public SnapStartSetting? SnapStart { get; init; }

    /// <summary>Only apply the update if the function's revision is still this one (412 otherwise).</summary>
    public string? RevisionId { get; init; }

    // Settable, not init: System.Text.Json cannot bind extension data through the constructor its generator uses for init members.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unsupported { get; set; }
}

/// <summary>GetFunction's answer.</summary>
public sealed record GetFunctionResponse(FunctionConfiguration Configuration, FunctionCodeLocation Code, FunctionConcurrency? Concurrency);

/// <summary>GetFunction's <c>Code</c>.</summary>
public sealed record FunctionCodeLocation(string RepositoryType, string Location);

/// <summary>Put/GetFunctionConcurrency's body and answer; GetFunction's <c>Concurrency</c>.</summary>
public sealed record FunctionConcurrency(int? ReservedConcurrentExecutions);

/// <summary>ListFunctions' answer.</summary>
public sealed record ListFunctionsResponse(IReadOnlyList<FunctionConfiguration> Functions, string? NextMarker);

/// <summary>GetAccountSettings' answer.</summary>
public sealed record AccountSettings(AccountLimit AccountLimit, AccountUsage AccountUsage);

/// <summary>The account's quotas.</summary>
public sealed record AccountLimit(long TotalCodeSize, long CodeSizeUnzipped, long CodeSizeZipped, int ConcurrentExecutions, int UnreservedConcurrentExecutions);

/// <summary>The account's use of them.</summary>
public sealed record AccountUsage(long TotalCodeSize, long FunctionCount);

/// <summary>PutProvisionedConcurrencyConfig's body.</summary>
public sealed record PutProvisionedConcurrencyRequest(int? ProvisionedConcurrentExecutions);

/// <summary>
/// Put/GetProvisionedConcurrencyConfig's answer, and each item of ListProvisionedConcurrencyConfigs (which adds the qualified
/// <c>FunctionArn</c>). Available = initialized and ready; Allocated = initialized (the emulator has no other kind).
/// </summary>
public sealed record ProvisionedConcurrencyConfig(
    int RequestedProvisionedConcurrentExecutions,
    int AvailableProvisionedConcurrentExecutions,
    int AllocatedProvisionedConcurrentExecutions,
    string Status,
    string? StatusReason,
    string LastModified,
    string? FunctionArn = null);

/// <summary>ListProvisionedConcurrencyConfigs' answer.</summary>
public sealed record ProvisionedConcurrencyConfigList(IReadOnlyList<ProvisionedConcurrencyConfig> ProvisionedConcurrencyConfigs);

/// <summary>Source-generated JSON for the control-plane shapes (AWS's PascalCase member names as written; nulls left out).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FunctionConfiguration))]
[JsonSerializable(typeof(UpdateFunctionConfigurationRequest))]
[JsonSerializable(typeof(GetFunctionResponse))]
[JsonSerializable(typeof(FunctionConcurrency))]
[JsonSerializable(typeof(ListFunctionsResponse))]
[JsonSerializable(typeof(AccountSettings))]
[JsonSerializable(typeof(PutProvisionedConcurrencyRequest))]
[JsonSerializable(typeof(ProvisionedConcurrencyConfig))]
[JsonSerializable(typeof(ProvisionedConcurrencyConfigList))]
[JsonSerializable(typeof(EventStream.InvokeCompleteEvent))]
public sealed partial class FunctionsJsonContext : JsonSerializerContext;
