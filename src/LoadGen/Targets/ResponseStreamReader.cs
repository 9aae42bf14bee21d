using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using LlamaAspire.LambdaContracts.EventStream;
using LlamaAspire.LambdaContracts.Functions;

namespace LlamaAspire.LoadGen.Targets;

/// <summary>
/// Reads an <c>InvokeWithResponseStream</c> body (<see cref="EventStreamCodec"/> frames) as it arrives: the function's bytes
/// from the <see cref="ResponseStreamEvents.PayloadChunk"/>s, when the first one came, and the closing
/// <see cref="ResponseStreamEvents.InvokeComplete"/> (error and log tail).
/// </summary>
public static class ResponseStreamReader
{
    /// <summary>What a response stream carried.</summary>
    public sealed record Result(byte[] Payload, TimeSpan? FirstChunk, InvokeCompleteEvent? Complete);

    /// <summary>Reads to the end; <paramref name="clock"/> times the first chunk.</summary>
    public static async Task<Result> ReadAsync(Stream body, Stopwatch clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(clock);
        var pending = new ArrayBufferWriter<byte>(16 * 1024);
        var payload = new ArrayBufferWriter<byte>(16 * 1024);
        var buffer = new byte[16 * 1024];
        TimeSpan? firstChunk = null;
        InvokeCompleteEvent? complete = null;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            pending.Write(buffer.AsSpan(0, read));
            var start = 0;
            while (EventStreamCodec.TryDecode(pending.WrittenSpan[start..], out var message, out var consumed))
            {
                start += consumed;
                if (message!.EventType == ResponseStreamEvents.PayloadChunk)
                {
                    firstChunk ??= clock.Elapsed;
                    payload.Write(message.Payload.Span);
                }
                else if (message.EventType == ResponseStreamEvents.InvokeComplete)
                {
                    complete = JsonSerializer.Deserialize(message.Payload.Span, FunctionsJsonContext.Default.InvokeCompleteEvent);
                }
            }

            if (start > 0)
            {
                // Keep only the incomplete frame's bytes.
                var rest = pending.WrittenSpan[start..].ToArray();
                pending.Clear();
                pending.Write(rest);
            }
        }

        return new Result(payload.WrittenSpan.ToArray(), firstChunk, complete);
    }
}
