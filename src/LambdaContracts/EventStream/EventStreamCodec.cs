using System.Buffers.Binary;
using System.Text;

namespace LlamaAspire.LambdaContracts.EventStream;

/// <summary>One event-stream message: its string headers and its payload.</summary>
public sealed record EventStreamMessage(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The <see cref="EventStreamCodec.Headers.EventType"/> header, or null.</summary>
    public string? EventType => Headers.GetValueOrDefault(EventStreamCodec.Headers.EventType);
}

/// <summary>
/// AWS's <c>application/vnd.amazon.eventstream</c> framing, as SDK decoders check it: a 12-byte prelude (total length,
/// headers length, CRC-32 of those 8 bytes), the headers (name length, name, value type, value), the payload, and a CRC-32
/// of everything before it. Only string header values are written; every type is understood when reading.
/// </summary>
public static class EventStreamCodec
{
    /// <summary>The body's content type.</summary>
    public const string ContentType = "application/vnd.amazon.eventstream";

    /// <summary>Prelude (12) + message CRC (4).</summary>
    public const int Overhead = 16;

    private const int PreludeLength = 12;
    private const byte StringType = 7;

    /// <summary>Header names every message carries.</summary>
    public static class Headers
    {
        /// <summary>The event's member name (for Lambda: <see cref="ResponseStreamEvents.PayloadChunk"/>, <see cref="ResponseStreamEvents.InvokeComplete"/>).</summary>
        public const string EventType = ":event-type";

        /// <summary><see cref="EventMessageType"/> or <c>exception</c>.</summary>
        public const string MessageType = ":message-type";

        /// <summary>The payload's content type.</summary>
        public const string ContentType = ":content-type";
    }

    /// <summary>The value of <see cref="Headers.MessageType"/> for events.</summary>
    public const string EventMessageType = "event";

    /// <summary>An event message with <see cref="Headers.EventType"/>, <see cref="Headers.ContentType"/> and the payload.</summary>
    public static byte[] EncodeEvent(string eventType, string contentType, ReadOnlySpan<byte> payload) =>
        Encode([(Headers.EventType, eventType), (Headers.ContentType, contentType), (Headers.MessageType, EventMessageType)], payload);

    /// <summary>One framed message.</summary>
    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, ReadOnlySpan<byte> payload)
    {
        var headersLength = 0;
        foreach (var (name, value) in headers)
        {
            headersLength += 1 + Encoding.UTF8.GetByteCount(name) + 1 + 2 + Encoding.UTF8.GetByteCount(value);
        }

        var total = PreludeLength + headersLength + payload.Length + 4;
        var message = new byte[total];
        var span = message.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, total);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.Compute(span[..8]));
        var at = PreludeLength;
        foreach (var (name, value) in headers)
        {
            var nameLength = Encoding.UTF8.GetBytes(name, span[(at + 1)..]);
            span[at] = checked((byte)nameLength);
            at += 1 + nameLength;
            span[at++] = StringType;
            var valueLength = Encoding.UTF8.GetBytes(value, span[(at + 2)..]);
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], checked((ushort)valueLength));
            at += 2 + valueLength;
        }

        payload.CopyTo(span[at..]);
        at += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], Crc32.Compute(span[..at]));
        return message;
    }

    /// <summary>Reads one message from the start of <paramref name="data"/>: false when it is not all there yet.
    /// Throws <see cref="InvalidDataException"/> on a bad length or either CRC, as SDK decoders do.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out EventStreamMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (data.Length < PreludeLength)
        {
            return false;
        }

        var total = BinaryPrimitives.ReadInt32BigEndian(data);
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != Crc32.Compute(data[..8]))
        {
            throw new InvalidDataException("Event-stream prelude CRC mismatch.");
        }

        if (total < Overhead || headersLength < 0 || headersLength > total - Overhead)
        {
            throw new InvalidDataException($"Event-stream message length {total} with headers length {headersLength} is impossible.");
        }

        if (data.Length < total)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[(total - 4)..]) != Crc32.Compute(data[..(total - 4)]))
        {
            throw new InvalidDataException("Event-stream message CRC mismatch.");
        }

        message = new EventStreamMessage(ReadHeaders(data.Slice(PreludeLength, headersLength)),
            data[(PreludeLength + headersLength)..(total - 4)].ToArray());
        consumed = total;
        return true;
    }

    private static Dictionary<string, string> ReadHeaders(ReadOnlySpan<byte> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = 0;
        while (at < headers.Length)
        {
            var nameLength = headers[at];
            var name = Encoding.UTF8.GetString(headers.Slice(at + 1, nameLength));
            at += 1 + nameLength;
            var type = headers[at++];
            var valueLength = type switch
            {
                0 or 1 => 0,
                2 => 1,
                3 => 2,
                4 => 4,
                5 or 8 => 8,
                9 => 16,
                6 or StringType => -1,
                _ => throw new InvalidDataException($"Event-stream header '{name}' has unknown value type {type}."),
            };
            if (valueLength < 0)
            {
                valueLength = BinaryPrimitives.ReadUInt16BigEndian(headers[at..]);
                at += 2;
                if (type == StringType)
                {
                    result[name] = Encoding.UTF8.GetString(headers.Slice(at, valueLength));
                }
            }

            at += valueLength;
        }

        return result;
    }
}
