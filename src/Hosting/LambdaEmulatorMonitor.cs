using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Management;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.Hosting;

/// <summary>
/// Shows each function's live state on the dashboard: mirrors the emulator's state while it is not running, and
/// polls the management API (<see cref="LambdaEmulatorClient"/>) once it is, publishing environments (warm/busy/frozen), cold starts and
/// invocation counts as the function resources' properties.
/// </summary>
internal sealed class LambdaEmulatorMonitor(IServiceProvider services, ResourceNotificationService notifications, ILogger<LambdaEmulatorMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var model = services.GetService<DistributedApplicationModel>();
        if (model is null)
        {
            return Task.CompletedTask;
        }

        var emulators = model.Resources.OfType<LambdaEmulatorResource>().Where(e => e.Functions.Count > 0).ToList();
        return Task.WhenAll(emulators.Select(e => MonitorAsync(e, stoppingToken)));
    }

    private async Task MonitorAsync(LambdaEmulatorResource emulator, CancellationToken cancellationToken)
    {
        var tracker = new EmulatorTracker();
        var watch = WatchEmulatorAsync(emulator, tracker, cancellationToken);
        var poll = PollAsync(emulator, tracker, cancellationToken);
        try
        {
            await Task.WhenAll(watch, poll).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchEmulatorAsync(LambdaEmulatorResource emulator, EmulatorTracker tracker, CancellationToken cancellationToken)
    {
        await foreach (var update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!ReferenceEquals(update.Resource, emulator))
            {
                continue;
            }

            var state = update.Snapshot.State;
            tracker.State = state?.Text;
            tracker.Healthy = update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
            if (state?.Text == KnownResourceStates.Running)
            {
                continue; // the poll publishes Running once the management API answers
            }

            tracker.Published = false;
            foreach (var function in emulator.Functions)
            {
                await notifications.PublishUpdateAsync(function, s => s with
                {
                    State = state is null ? null : new ResourceStateSnapshot(state.Text, state.Style),
                }).ConfigureAwait(false);
            }
        }
    }

    private async Task PollAsync(LambdaEmulatorResource emulator, EmulatorTracker tracker, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_pollInterval);
        string? lastDocument = null;
        var failures = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (tracker.State != KnownResourceStates.Running || !emulator.HttpEndpoint.IsAllocated)
            {
                lastDocument = null;
                continue;
            }

            FunctionsView view;
            try
            {
                using var client = LambdaEmulatorClient.Create(services, emulator, TimeSpan.FromSeconds(5));
                view = await client.GetFunctionsAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (++failures == 30)
                {
                    logger.LogWarning("The Lambda emulator's management API is not answering: {Message}", ex.Message);
                }

                continue;
            }

            // Records holding lists compare by reference: the serialized form says whether anything changed.
            var document = JsonSerializer.Serialize(view, ManagementJsonContext.Default.FunctionsView);
            if (document == lastDocument && tracker.Published)
            {
                continue;
            }

            lastDocument = document;
            var live = view.Functions.ToDictionary(f => f.Name, Describe, StringComparer.OrdinalIgnoreCase);
            foreach (var function in emulator.Functions)
            {
                var properties = live.TryGetValue(function.Name, out var p) ? p : [];
                await notifications.PublishUpdateAsync(function, s => s with
                {
                    State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                    StartTimeStamp = s.StartTimeStamp ?? DateTime.UtcNow,
                    Properties = Merge(s.Properties, properties),
                    Urls =
                    [
                        new UrlSnapshot("invoke", emulator.HttpEndpoint.Url + InvokeApi.InvokePath(function.Name), IsInternal: false),
                        new UrlSnapshot("function URL", emulator.HttpEndpoint.Url + FunctionUrls.BasePath(function.Name) + "/", IsInternal: false),
                        new UrlSnapshot("OpenAI models", emulator.HttpEndpoint.Url + FunctionUrls.BasePath(function.Name) + LambdaFunctionResource.OpenAiPath + "/models", IsInternal: false),
                    ],
                }).ConfigureAwait(false);
            }

            tracker.Published = true;
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> existing, ImmutableArray<ResourcePropertySnapshot> live)
    {
        var names = live.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return [.. existing.Where(p => !names.Contains(p.Name)), .. live];
    }

    /// <summary>One function's live properties: the environments by state, then the counters.</summary>
    internal static ImmutableArray<ResourcePropertySnapshot> Describe(FunctionView function)
    {
        var states = function.Environments
            .GroupBy(e => e.State, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}");
        var count = function.Environments.Count;
        var summary = count == 0 ? "none (next invoke is cold)" : $"{count}: {string.Join(", ", states)}";
        return
        [
            new ResourcePropertySnapshot("lambda.environments", summary) { DisplayName = "Environments", IsHighlighted = true },
            Counter("coldStarts", "Cold starts", function.ColdStarts, highlighted: true),
            Counter("invocations", "Invocations", function.Invocations, highlighted: true),
            Counter("errors", "Errors", function.Errors),
            Counter("timeouts", "Timeouts", function.Timeouts),
            Counter("throttles", "Throttles", function.Throttles),
            new ResourcePropertySnapshot("lambda.memorySize", $"{function.Config.MemorySize.ToString(CultureInfo.InvariantCulture)} MB ({function.Config.Vcpus.ToString(CultureInfo.InvariantCulture)} vCPU)")
            {
                DisplayName = "Memory size",
            },
        ];
    }

    private static ResourcePropertySnapshot Counter(string name, string displayName, long value, bool highlighted = false) =>
        new($"lambda.{name}", value.ToString(CultureInfo.InvariantCulture)) { DisplayName = displayName, IsHighlighted = highlighted };

    private sealed class EmulatorTracker
    {
        public volatile string? State;
        public volatile bool Published;
        public volatile bool Healthy;
    }
}
