using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.Hosting;

/// <summary>Adds LoadGen to the dashboard, with commands that measure the emulator's functions.</summary>
public static class LoadGenBuilderExtensions
{
    /// <summary>The resource type shown on the dashboard.</summary>
    public const string ResourceType = "LoadGen";

    /// <summary>The name of the <em>Burst</em> command.</summary>
    public const string BurstCommand = "loadgen-burst";

    /// <summary>The name of the <em>Cold-start sweep</em> command.</summary>
    public const string ColdSweepCommand = "loadgen-cold";

    /// <summary>The name of the <em>Compare</em> command.</summary>
    public const string CompareCommand = "loadgen-compare";

    /// <summary>The report each run writes into its folder.</summary>
    public const string ReportFile = "report.html";

    /// <summary>The playground path the reports are served under (<see cref="WithReportsServedBy"/>).</summary>
    public const string ReportsPath = "/reports";

    /// <summary>The variable that tells the serving project where the reports are.</summary>
    public const string ReportsDirectoryVariable = "Reports__Directory";

    /// <summary>
    /// Adds LoadGen (<typeparamref name="TProject"/>) with dashboard commands — <em>Burst</em>, <em>Cold-start sweep</em> and
    /// <em>Compare</em> — that run it against this emulator and <paramref name="function"/>. Results go to
    /// <c>{repository}/.tmp/{name}/{time}-{command}/</c>.
    /// </summary>
    /// <typeparam name="TProject">The LoadGen project's metadata.</typeparam>
    /// <param name="emulator">The emulator to measure.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="function">The function the burst and the cold-start sweep measure.</param>
    /// <returns>The LoadGen resource builder.</returns>
    public static IResourceBuilder<LoadGenResource> AddLoadGen<TProject>(this IResourceBuilder<LambdaEmulatorResource> emulator, string name, IResourceBuilder<LambdaFunctionResource> function)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);

        var builder = emulator.ApplicationBuilder;
        var output = Path.Combine(LambdaPaths.RepositoryRoot(builder.AppHostDirectory), ".tmp", name);
        var loadgen = new LoadGenResource(name, emulator.Resource, new TProject().ProjectPath, output);
        var target = function.Resource.Name;
        var resource = builder.AddResource(loadgen)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                State = KnownResourceStates.Waiting,
                Properties = [new("loadgen.function", target) { DisplayName = "Function" }, new("loadgen.output", output) { DisplayName = "Results" }],
            })
            .WithIconName("ChartMultiple")
            .WithRelationship(emulator.Resource, "Measures")
            .ExcludeFromManifest();

        // Live metrics: each run gets the OTLP settings Aspire gives its projects (dashboard endpoint, API key header, 1 s interval).
        OtlpConfigurationExtensions.AddOtlpEnvironment(loadgen, builder.Configuration, builder.Environment);

        // Ready when the emulator is: it has nothing to start of its own.
        builder.Eventing.Subscribe<ResourceReadyEvent>(emulator.Resource, async (e, ct) =>
            await e.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(loadgen, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false));

        resource.WithCommand(BurstCommand, "Burst",
            context => RunAsync(context, loadgen, "burst", ["run", "burst", "-f", target, "--size", "4", "--bursts", "2", "--gap", "5"]),
            Options("Four concurrent requests, twice, five seconds apart: scale-out from cold, then reuse.", "Flash", highlighted: true));
        resource.WithCommand(ColdSweepCommand, "Cold-start sweep",
            context => RunAsync(context, loadgen, "cold", ["cold", "-f", target, "-k", "5"]),
            Options("Five forced cold starts (UpdateFunctionConfiguration, as on AWS), each with its init breakdown.", "ArrowClockwise", highlighted: true));
        resource.WithCommand(CompareCommand, "Compare",
            context => RunAsync(context, loadgen, "compare", ["compare", "-k", "2", "-n", "3", .. ModelDownloadSize(loadgen)]),
            Options("Every function variant measured the same way, in one table: cold and warm latency, init phases, cost.", "TableSimple", highlighted: false));
        return resource;
    }

    /// <summary>
    /// Serves the reports from <paramref name="server"/> (a project that maps <see cref="ReportsPath"/> to
    /// <see cref="ReportsDirectoryVariable"/>, as the playground does), so each run's report is a link on the resource.
    /// </summary>
    /// <param name="builder">The LoadGen resource builder.</param>
    /// <param name="server">The project that serves them.</param>
    /// <returns>The LoadGen resource builder.</returns>
    public static IResourceBuilder<LoadGenResource> WithReportsServedBy(this IResourceBuilder<LoadGenResource> builder, IResourceBuilder<ProjectResource> server)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        Directory.CreateDirectory(builder.Resource.OutputDirectory);
        server.WithEnvironment(ReportsDirectoryVariable, builder.Resource.OutputDirectory);
        return builder.WithAnnotation(new LoadGenReportServerAnnotation(server.Resource.GetEndpoint("http")), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// <c>--model-mb</c> for compare's download estimate: the model of the first function that downloads it from S3 (the
    /// vanilla variant), or nothing when none does.
    /// </summary>
    private static string[] ModelDownloadSize(LoadGenResource loadgen)
    {
        var model = loadgen.Emulator.Functions
            .Where(f => f.TryGetLastAnnotation<LambdaModelFromS3Annotation>(out _))
            .Select(f => f.TryGetLastAnnotation<LambdaModelAnnotation>(out var m) ? m.Model.ModelDirectory : null)
            .FirstOrDefault(Directory.Exists);
        if (model is null)
        {
            return [];
        }

        var megabytes = Directory.EnumerateFiles(model, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1_048_576.0;
        return ["--model-mb", Math.Max(1, Math.Ceiling(megabytes)).ToString(CultureInfo.InvariantCulture)];
    }

    /// <summary>
    /// The OTLP variables <see cref="OtlpConfigurationExtensions.AddOtlpEnvironment(IResource, Microsoft.Extensions.Configuration.IConfiguration, Microsoft.Extensions.Hosting.IHostEnvironment)"/>
    /// attached, evaluated for a process this resource starts itself. Values that are DCP templates (filled in only for
    /// processes DCP launches) are left out; the service name is the resource's, so the dashboard files the metrics under it.
    /// </summary>
    private static async Task<Dictionary<string, string>> OtlpEnvironmentAsync(ExecuteCommandContext context, LoadGenResource loadgen)
    {
        var values = new Dictionary<string, object>();
        var execution = context.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        var callbackContext = new EnvironmentCallbackContext(execution, loadgen, values, context.CancellationToken);
        foreach (var callback in loadgen.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(callbackContext).ConfigureAwait(false);
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var text = value switch
            {
                string plain => plain,
                IValueProvider provider => await provider.GetValueAsync(context.CancellationToken).ConfigureAwait(false),
                _ => value.ToString(),
            };
            if (text is not null && !text.Contains("{{", StringComparison.Ordinal))
            {
                environment[name] = text;
            }
        }

        environment["OTEL_SERVICE_NAME"] = loadgen.Name;
        return environment;
    }

    private static CommandOptions Options(string description, string icon, bool highlighted) => new()
    {
        Description = description,
        IconName = icon,
        IsHighlighted = highlighted,
        UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
    };

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, LoadGenResource loadgen, string label, string[] args)
    {
        if (Interlocked.Exchange(ref loadgen.Busy, 1) == 1)
        {
            return CommandResults.Failure("A LoadGen run is in progress; runs go one at a time so they do not measure each other.");
        }

        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(loadgen);
        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        try
        {
            var folder = Path.Combine(loadgen.OutputDirectory, $"{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{label}");
            var endpoint = await loadgen.Emulator.HttpEndpoint.GetValueAsync(context.CancellationToken).ConfigureAwait(false);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[LambdaPaths.JitAssemblyPath(loadgen.ProjectPath), .. args, "-e", endpoint!, "--out", folder, "--no-progress"])
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var (name, value) in await OtlpEnvironmentAsync(context, loadgen).ConfigureAwait(false))
            {
                psi.Environment[name] = value;
            }

            logger.LogInformation("loadgen {Arguments}", string.Join(' ', psi.ArgumentList.Skip(1)));
            await notifications.PublishUpdateAsync(loadgen, s => s with { State = new ResourceStateSnapshot($"Running {label}", KnownResourceStateStyles.Info) }).ConfigureAwait(false);
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { logger.LogInformation("{Line}", line); } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { logger.LogWarning("{Line}", line); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true); // the command was cancelled (or the AppHost is stopping): so is the run
                throw;
            }

            var report = Path.Combine(folder, ReportFile);
            var url = File.Exists(report) && loadgen.TryGetLastAnnotation<LoadGenReportServerAnnotation>(out var server)
                ? $"{await server.Endpoint.GetValueAsync(context.CancellationToken).ConfigureAwait(false)}{ReportsPath}/{Path.GetFileName(folder)}/{ReportFile}"
                : null;
            await notifications.PublishUpdateAsync(loadgen, s => s with
            {
                State = KnownResourceStates.Running,
                Urls = url is null ? s.Urls : [new UrlSnapshot("Latest report", url, IsInternal: false)],
                Properties = [.. s.Properties.Where(p => p.Name != "loadgen.latest"), new("loadgen.latest", folder) { DisplayName = "Latest results" }],
            }).ConfigureAwait(false);
            return process.ExitCode == 0
                ? CommandResults.Success()
                : CommandResults.Failure($"LoadGen {label} exited {process.ExitCode}: see the resource's log.");
        }
        finally
        {
            Volatile.Write(ref loadgen.Busy, 0);
        }
    }
}

/// <summary>Where the reports are served (<see cref="LoadGenBuilderExtensions.WithReportsServedBy"/>).</summary>
/// <param name="Endpoint">The serving project's HTTP endpoint.</param>
public sealed record LoadGenReportServerAnnotation(EndpointReference Endpoint) : IResourceAnnotation;
