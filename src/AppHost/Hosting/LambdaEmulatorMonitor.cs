using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Shows each function's live state on the dashboard: mirrors the emulator's state while it is not running, and
/// polls <c>GET /_emulator/functions</c> once it is, publishing environments (warm/busy/frozen), cold starts and
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

            string document;
            try
            {
                using var client = LambdaFunctionBuilderExtensions.CreateEmulatorClient(services, emulator);
                client.Timeout = TimeSpan.FromSeconds(5);
                using var response = await client.GetAsync(new Uri("/_emulator/functions", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    // No management API (yet): a healthy emulator still means the functions can be invoked.
                    document = tracker.Healthy ? "[]" : throw new HttpRequestException($"GET /_emulator/functions answered {(int)response.StatusCode}");
                }
                else
                {
                    document = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                }

                failures = 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (++failures == 30)
                {
                    logger.LogWarning("The Lambda emulator's management API is not answering: {Message}", ex.Message);
                }

                continue;
            }

            if (document == lastDocument && tracker.Published)
            {
                continue;
            }

            lastDocument = document;
            Dictionary<string, ImmutableArray<ResourcePropertySnapshot>> live;
            try
            {
                live = Parse(document);
            }
            catch (JsonException ex)
            {
                logger.LogWarning("Could not read GET /_emulator/functions: {Message}", ex.Message);
                continue;
            }

            foreach (var function in emulator.Functions)
            {
                var properties = live.TryGetValue(function.Name, out var p) ? p : [];
                await notifications.PublishUpdateAsync(function, s => s with
                {
                    State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                    StartTimeStamp = s.StartTimeStamp ?? DateTime.UtcNow,
                    Properties = Merge(s.Properties, properties),
                    Urls = [new UrlSnapshot("invoke", $"{emulator.HttpEndpoint.Url}/2015-03-31/functions/{function.Name}/invocations", IsInternal: false)],
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

    /// <summary>
    /// Reads the management API's function list, tolerating its shape: an array of functions, or an object with a
    /// <c>functions</c> array or map; each function with a <c>name</c>, an <c>environments</c> array of objects with a
    /// <c>state</c>, and numeric counters (cold starts, invocations, …) which become properties as they are.
    /// </summary>
    internal static Dictionary<string, ImmutableArray<ResourcePropertySnapshot>> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, ImmutableArray<ResourcePropertySnapshot>>(StringComparer.OrdinalIgnoreCase);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && TryGet(root, "functions", out var functions))
        {
            root = functions;
        }

        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var function in root.EnumerateArray())
            {
                if (function.ValueKind == JsonValueKind.Object
                    && (TryGet(function, "name", out var name) || TryGet(function, "functionName", out name))
                    && name.ValueKind == JsonValueKind.String)
                {
                    result[name.GetString()!] = Describe(function);
                }
            }
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                result[property.Name] = Describe(property.Value);
            }
        }

        return result;
    }

    private static ImmutableArray<ResourcePropertySnapshot> Describe(JsonElement function)
    {
        var properties = ImmutableArray.CreateBuilder<ResourcePropertySnapshot>();
        if (TryGet(function, "environments", out var environments) && environments.ValueKind == JsonValueKind.Array)
        {
            var states = environments.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.Object && TryGet(e, "state", out var s) ? s.ToString() : e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : "")
                .Where(s => s.Length > 0)
                .GroupBy(s => s.ToLowerInvariant())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}")
                .ToList();
            var count = environments.GetArrayLength();
            var summary = count == 0 ? "none (next invoke is cold)" : $"{count}: {string.Join(", ", states)}";
            properties.Add(new ResourcePropertySnapshot("lambda.environments", summary) { DisplayName = "Environments", IsHighlighted = true });
        }

        foreach (var property in function.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False
                && !property.NameEquals("name") && !property.NameEquals("functionName"))
            {
                var highlighted = property.Name.Contains("cold", StringComparison.OrdinalIgnoreCase) || property.Name.Contains("invocation", StringComparison.OrdinalIgnoreCase);
                properties.Add(new ResourcePropertySnapshot($"lambda.{property.Name}", property.Value.ToString())
                {
                    DisplayName = Humanize(property.Name),
                    IsHighlighted = highlighted,
                });
            }
        }

        return properties.ToImmutable();
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string Humanize(string camel)
    {
        var chars = new List<char>(camel.Length + 4);
        for (var i = 0; i < camel.Length; i++)
        {
            var c = camel[i];
            if (i > 0 && char.IsUpper(c))
            {
                chars.Add(' ');
                chars.Add(char.ToLowerInvariant(c));
            }
            else
            {
                chars.Add(i == 0 ? char.ToUpper(c, CultureInfo.InvariantCulture) : c);
            }
        }

        return new string([.. chars]);
    }

    private sealed class EmulatorTracker
    {
        public volatile string? State;
        public volatile bool Published;
        public volatile bool Healthy;
    }
}
