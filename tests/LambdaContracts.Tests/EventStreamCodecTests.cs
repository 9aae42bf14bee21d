using System.Buffers.Binary;
using System.Text;
using LlamaAspire.LambdaContracts.EventStream;

namespace LlamaAspire.LambdaContracts.Tests;

/// <summary>The event-stream framing AWS's SDK decoders check, byte by byte.</summary>
public sealed class EventStreamCodecTests
{
    [Fact]
    public void Crc32_IsIeee_CheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8)); // the standard CRC-32 check value

    [Fact]
    public void EmptyMessage_IsTheSixteenBytePreludeAndCrcs()
    {
        var frame = EventStreamCodec.Encode([], []);
        // AWS's event-stream test vector for an empty message: total 16, headers 0, prelude CRC 0x05c248eb, message CRC 0x7d98c8ff.
        Assert.Equal(Convert.FromHexString("000000100000000005c248eb7d98c8ff"), frame);
    }

    [Fact]
    public void Event_LaysOutHeadersAndPayload_AndRoundTrips()
    {
        var payload = "chunk 0\n"u8.ToArray();
        var frame = EventStreamCodec.EncodeEvent(ResponseStreamEvents.PayloadChunk, ResponseStreamEvents.ChunkContentType, payload);
        Assert.Equal(frame.Length, BinaryPrimitives.ReadInt32BigEndian(frame));
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        // First header: name length 11, ":event-type", type 7 (string), value length 12, "PayloadChunk".
        Assert.Equal(11, frame[12]);
        Assert.Equal(":event-type", Encoding.UTF8.GetString(frame, 13, 11));
        Assert.Equal(7, frame[24]);
        Assert.Equal(12, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(25)));
        Assert.Equal(payload, frame.AsSpan(12 + headersLength, payload.Length).ToArray());

        Assert.True(EventStreamCodec.TryDecode(frame, out var message, out var consumed));
        Assert.Equal(frame.Length, consumed);
        Assert.Equal(ResponseStreamEvents.PayloadChunk, message!.EventType);
        Assert.Equal("event", message.Headers[EventStreamCodec.Headers.MessageType]);
        Assert.Equal(payload, message.Payload.ToArray());
    }

    [Fact]
    public void PartialFrames_WaitForMoreBytes_AndTwoFramesDecodeInTurn()
    {
        var a = EventStreamCodec.EncodeEvent("A", "text/plain", "one"u8);
        var b = EventStreamCodec.EncodeEvent("B", "text/plain", "two"u8);
        byte[] both = [.. a, .. b];
        Assert.False(EventStreamCodec.TryDecode(both.AsSpan(0, 5), out _, out _));
        Assert.False(EventStreamCodec.TryDecode(both.AsSpan(0, a.Length - 1), out _, out _));
        Assert.True(EventStreamCodec.TryDecode(both, out var first, out var used));
        Assert.True(EventStreamCodec.TryDecode(both.AsSpan(used), out var second, out _));
        Assert.Equal("A", first!.EventType);
        Assert.Equal("B", second!.EventType);
    }

    [Theory]
    [InlineData(2)]  // in the prelude: the prelude CRC fails
    [InlineData(30)] // in a header: the message CRC fails
    public void CorruptedByte_IsRejected(int offset)
    {
        var frame = EventStreamCodec.EncodeEvent(ResponseStreamEvents.InvokeComplete, "application/json", "{}"u8);
        frame[offset] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => EventStreamCodec.TryDecode(frame, out _, out _));
    }
}
