using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaAspire.LambdaContracts.Management;

/// <summary>Source-generated JSON for the management DTOs (camelCase on the wire), for the emulator and its clients alike.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FunctionsView))]
[JsonSerializable(typeof(FunctionView))]
[JsonSerializable(typeof(CommandResult))]
public sealed partial class ManagementJsonContext : JsonSerializerContext;
