using System.Diagnostics;
using System.Threading.Channels;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

/// <summary>
/// Asynchronous (Event) invokes: queued, run in the background, and retried twice on error (function error,
/// timeout, crash or throttle) after a delay that doubles, as Lambda does (about 1 then 2 minutes by default).
/// The retries keep the request id.
/// </summary>
public sealed class AsyncInvocations : BackgroundService
{
    private readonly Channel<EventInvoke> _queue = Channel.CreateUnbounded<EventInvoke>();
    private readonly LambdaEmulatorOptions _options;
    private readonly ILogger<AsyncInvocations> _logger;
    private int _pending;

    public AsyncInvocations(IOptions<LambdaEmulatorOptions> options, ILogger<AsyncInvocations> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    private sealed record EventInvoke(FunctionPool Function, byte[] Payload, string? ClientContext, ActivityContext Parent, string RequestId);

    /// <summary>Events queued or in flight (including those waiting for a retry).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public string Enqueue(FunctionPool function, byte[] payload, string? clientContext, ActivityContext parent, string? requestId = null)
    {
        var item = new EventInvoke(function, payload, clientContext, parent, requestId ?? Guid.NewGuid().ToString());
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(item);
        return item.RequestId;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                _ = RunAsync(item, stoppingToken);
            }
        }
        catch (OperationCanceledException) { } // host shutdown; queued events are in memory only, as documented
    }

    private async Task RunAsync(EventInvoke item, CancellationToken stoppingToken)
    {
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(_options.EventRetryDelay * (1 << (attempt - 1))), stoppingToken).ConfigureAwait(false);
                }

                var request = new InvokeRequest(item.RequestId, item.Payload, FaasAttributes.Triggers.Other)
                {
                    ClientContext = item.ClientContext,
                    ParentContext = item.Parent,
                };
                string? error;
                try
                {
                    var outcome = (await item.Function.StartInvoke(request).Completed.ConfigureAwait(false)).Outcome;
                    error = outcome.Status == InvocationStatus.Success ? null : outcome.ErrorType ?? outcome.Status.ToString();
                }
                catch (ThrottledException ex)
                {
                    error = $"throttled ({ex.Reason})";
                }
                if (error is null)
                {
                    return;
                }

                _logger.LogInformation("Event invoke {RequestId} of {Function} failed (attempt {Attempt} of 3): {Error}",
                    item.RequestId, item.Function.Name, attempt + 1, error);
            }
        }
        catch (OperationCanceledException) { } // host shutdown between retries
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }
}
