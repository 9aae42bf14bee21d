using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// WithProjectDefaults (evaluation API) is how a ProjectResource subclass gets what AddProject gives a project: OTLP, ASPNETCORE_URLS, the Rebuild command.
#pragma warning disable ASPIREPROJECTS001

namespace LlamaAspire.Hosting;

/// <summary>Adds and configures the local Lambda emulator.</summary>
public static class LambdaEmulatorBuilderExtensions
{
    /// <summary>The prefix of the emulator's configuration (Contract 3), as environment variables.</summary>
    public const string ConfigurationPrefix = "Lambda__";

    /// <summary>
    /// Adds the Lambda emulator (the <c>LambdaEmulator</c> project) with an <c>http</c> endpoint serving the Invoke API,
    /// function URLs and the management API, and a <c>/health</c> health check. Functions added with
    /// <see cref="LambdaFunctionBuilderExtensions.AddLambdaFunction{TProject}(IDistributedApplicationBuilder, string)"/>
    /// attach to it; it waits for whatever they wait for (models, Native AOT publishes) because it starts their processes.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="port">A fixed host port for the Invoke API, or <see langword="null"/> for a random one.</param>
    /// <returns>The emulator resource builder.</returns>
    public static IResourceBuilder<LambdaEmulatorResource> AddLambdaEmulator(this IDistributedApplicationBuilder builder, string name = "lambda", int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        builder.Services.AddHttpClient();
        builder.Services.AddLogging(logging => logging.AddFilter($"System.Net.Http.HttpClient.{nameof(LambdaEmulatorResource)}", LogLevel.Warning));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LambdaEmulatorMonitor>());

        var emulator = new LambdaEmulatorResource(name);
        var resource = builder.AddResource(emulator)
            .WithAnnotation<IProjectMetadata>(BundledProject.LambdaEmulator)
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
            .WithHttpEndpoint(port: port, name: LambdaEmulatorResource.HttpEndpointName)
            .WithHttpHealthCheck("/health", endpointName: LambdaEmulatorResource.HttpEndpointName)
            .WithEnvironment(context => ConfigureFunctionsAsync(emulator, context))
            .WithIconName("ServerMultiple")
            .ExcludeFromManifest();

        // The emulator starts the functions' processes, so it waits for what they wait for (models, AOT publishes).
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            foreach (var function in emulator.Functions)
            {
                if (!function.TryGetAnnotationsOfType<WaitAnnotation>(out var waits))
                {
                    continue;
                }

                foreach (var wait in waits)
                {
                    var known = emulator.Annotations.OfType<WaitAnnotation>().Any(w => ReferenceEquals(w.Resource, wait.Resource) && w.WaitType == wait.WaitType);
                    if (!known && !ReferenceEquals(wait.Resource, emulator))
                    {
                        emulator.Annotations.Add(new WaitAnnotation(wait.Resource, wait.WaitType, wait.ExitCode));
                    }
                }
            }

            return Task.CompletedTask;
        });

        return resource;
    }

    /// <summary>
    /// Turns freezing (SIGSTOP between invokes, as Lambda freezes an idle environment) on or off; off helps debugging.
    /// </summary>
    /// <param name="builder">The emulator resource builder.</param>
    /// <param name="freeze">Whether to freeze idle environments.</param>
    /// <returns>The emulator resource builder.</returns>
    public static IResourceBuilder<LambdaEmulatorResource> WithFreeze(this IResourceBuilder<LambdaEmulatorResource> builder, bool freeze = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithEnvironment($"{ConfigurationPrefix}Freeze", freeze ? "true" : "false");
    }

    /// <summary>Writes the emulator's function configuration (Contract 3) from its function resources.</summary>
    private static async Task ConfigureFunctionsAsync(LambdaEmulatorResource emulator, EnvironmentCallbackContext context)
    {
        if (context.ExecutionContext.IsPublishMode)
        {
            return;
        }

        var env = context.EnvironmentVariables;

        // What the emulator itself was given for OTLP export goes to every function; the emulator forwards a function's
        // Environment to each of its processes. The service name is the function's own.
        var otlp = env.Where(kv => kv.Key.StartsWith("OTEL_", StringComparison.Ordinal)
                                   && kv.Key is not "OTEL_SERVICE_NAME" and not "OTEL_RESOURCE_ATTRIBUTES")
                      .ToList();

        foreach (var function in emulator.Functions)
        {
            var prefix = $"{ConfigurationPrefix}Functions__{function.Name}__";
            var settings = await LambdaFunctionSettings.ReadAsync(function, context.ExecutionContext, context.CancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in LambdaFunctionConfiguration.Describe(settings, LambdaLaunchSettings.For(function)))
            {
                env[prefix + key] = value;
            }

            foreach (var (key, value) in otlp)
            {
                env[$"{prefix}Environment__{key}"] = value;
            }

            env[$"{prefix}Environment__OTEL_SERVICE_NAME"] = function.Name;
            foreach (var (key, value) in settings.Environment)
            {
                env[$"{prefix}Environment__{key}"] = value;
            }
        }
    }
}

/// <summary>A function's Contract 3 settings (everything but its environment), from its annotations.</summary>
internal static class LambdaFunctionConfiguration
{
    public static IEnumerable<KeyValuePair<string, string>> Describe(LambdaFunctionSettings settings, LambdaLaunchSettings launch)
    {
        yield return new("Command", launch.Command);
        for (var i = 0; i < launch.Arguments.Count; i++)
        {
            yield return new($"Arguments__{i}", launch.Arguments[i]);
        }

        yield return new("WorkingDirectory", launch.WorkingDirectory);
        yield return new("MemorySize", settings.MemorySize.ToString(CultureInfo.InvariantCulture));
        yield return new("Timeout", ((int)Math.Ceiling(settings.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        if (settings.ReservedConcurrency is { } concurrency)
        {
            yield return new("ReservedConcurrency", concurrency.ToString(CultureInfo.InvariantCulture));
        }

        if (settings.ProvisionedConcurrency > 0)
        {
            yield return new("ProvisionedConcurrency", settings.ProvisionedConcurrency.ToString(CultureInfo.InvariantCulture));
        }

        if (settings.SnapStart)
        {
            yield return new("SnapStart", "true");
        }

        if (launch.IdleTimeout is { } idle)
        {
            yield return new("IdleTimeout", ((int)Math.Ceiling(idle.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }
    }
}
