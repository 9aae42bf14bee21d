using LlamaAspire.LoadGen.Aws;
using LlamaAspire.LoadGen.LocalStack;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>
/// What run, cold, tune and compare share: the connection to the target (an unusable AWS target ends the command with
/// <see cref="TargetUnusable"/> and the reason, before anything is sent) and the results document's header.
/// </summary>
public abstract class MeasuringCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings> where TSettings : TargetSettings
{
    /// <summary>Exit code when the target cannot be used (no credentials, no region, no such function, no permission).</summary>
    public const int TargetUnusable = 3;

    /// <summary>Where the command prints.</summary>
    protected IAnsiConsole Console { get; } = console;

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        LocalAppHost? appHost = null;
        if (settings.Preset is { } preset)
        {
            try
            {
                appHost = await LocalAppHost.StartAsync(preset, settings.Out ?? Path.Combine(Path.GetTempPath(), "llama-loadgen"), Console, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return TargetUnusable;
            }

            Console.MarkupLineInterpolated($"AppHost running with preset [blue]{preset}[/]: emulator {appHost.Endpoint}, dashboard {appHost.Dashboard} (its login link is in {appHost.LogPath}).");
        }

        using (appHost)
        {
            var startedAt = DateTimeOffset.UtcNow;
            Connection connection;
            try
            {
                connection = await Connection.OpenAsync(settings, cancellationToken, appHost?.Endpoint).ConfigureAwait(false);
            }
            catch (AwsSetupException ex)
            {
                Console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return TargetUnusable;
            }

            using (connection)
            {
                return await MeasureAsync(connection, settings, startedAt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Measures through <paramref name="connection"/> and reports; the exit code.</summary>
    protected abstract Task<int> MeasureAsync(Connection connection, TSettings settings, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>The results of a run against <paramref name="function"/>.</summary>
    protected static ResultsDocument Document(string command, TSettings settings, Connection connection, string function, DateTimeOffset startedAt,
        bool interrupted, IReadOnlyList<VariantResults> variants)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connection);
        return new ResultsDocument
        {
            Command = command,
            StartedAt = startedAt,
            Target = connection.Description,
            Function = function,
            Architecture = settings.Architecture,
            Prices = settings.Prices,
            Container = settings.ContainerPrices,
            Interrupted = interrupted,
            Variants = variants,
        };
    }

    /// <summary>One function's series (run, cold) as a results document.</summary>
    protected static ResultsDocument Document(string command, TSettings settings, Connection connection, DateTimeOffset startedAt, string variant, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Document(command, settings, connection, settings.Function!, startedAt, result.Interrupted, [new VariantResults(variant, null, result.Requests)]);
    }
}
