using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>Builds application models without starting anything, and reads back what callbacks produce.</summary>
internal static class ModelTestHelpers
{
    public static IDistributedApplicationBuilder CreateBuilder() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });

    /// <summary>
    /// Runs the resource's environment callbacks in run mode, in order, as DCP would before starting it. Callbacks that
    /// need a running application (endpoint allocation, the dashboard's OTLP URL) are skipped.
    /// </summary>
    public static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource)
    {
        var env = new Dictionary<string, object>(StringComparer.Ordinal);
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, env, CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            try
            {
                await callback.Callback(context);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException)
            {
            }
        }

        return env;
    }

    public static string? Text(this Dictionary<string, object> env, string key) =>
        env.TryGetValue(key, out var value) ? value?.ToString() : null;
}
