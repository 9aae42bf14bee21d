using System.Buffers.Binary;
using System.Text;

namespace LlamaAspire.ModelBuilder.Onnx;

/// <summary>
/// A protobuf message assembled in memory except for its large byte fields, which are
/// <see cref="Blob"/>s: a length known up front and a callback that streams exactly that many bytes.
/// Enough of the wire format for onnx.proto: varints (wire type 0), fixed32 (5) and length-delimited (2).
/// </summary>
internal sealed class ProtoMessage
{
    private readonly List<Entry> _entries = [];
    private long _size = -1;

    /// <summary>Bytes streamed by a callback; the callback must write exactly <see cref="Length"/> bytes.</summary>
    internal sealed record Blob(long Length, Action<Stream> Write);

    private readonly record struct Entry(int Field, int WireType, ulong Varint, byte[]? Bytes, ProtoMessage? Message, Blob? Blob);

    public ProtoMessage Varint(int field, long value)
    {
        _entries.Add(new Entry(field, 0, unchecked((ulong)value), null, null, null));
        return this;
    }

    public ProtoMessage Float(int field, float value)
    {
        _entries.Add(new Entry(field, 5, BitConverter.SingleToUInt32Bits(value), null, null, null));
        return this;
    }

    public ProtoMessage Bytes(int field, byte[] value)
    {
        _entries.Add(new Entry(field, 2, 0, value, null, null));
        return this;
    }

    public ProtoMessage String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoMessage Message(int field, ProtoMessage value)
    {
        _entries.Add(new Entry(field, 2, 0, null, value, null));
        return this;
    }

    public ProtoMessage Stream(int field, Blob blob)
    {
        _entries.Add(new Entry(field, 2, 0, null, null, blob));
        return this;
    }

    /// <summary>Serialized size in bytes (cached: add nothing after asking).</summary>
    public long Size
    {
        get
        {
            if (_size >= 0)
            {
                return _size;
            }

            long size = 0;
            foreach (var e in _entries)
            {
                size += VarintSize((ulong)((e.Field << 3) | e.WireType));
                size += e.WireType switch
                {
                    0 => VarintSize(e.Varint),
                    5 => 4,
                    _ => PayloadLength(e) + VarintSize((ulong)PayloadLength(e)),
                };
            }

            _size = size;
            return size;
        }
    }

    private static long PayloadLength(in Entry e) =>
        e.Bytes?.LongLength ?? e.Message?.Size ?? e.Blob!.Length;

    public void WriteTo(Stream output)
    {
        Span<byte> scratch = stackalloc byte[10];
        foreach (var e in _entries)
        {
            WriteVarint(output, (ulong)((e.Field << 3) | e.WireType), scratch);
            switch (e.WireType)
            {
                case 0:
                    WriteVarint(output, e.Varint, scratch);
                    break;
                case 5:
                    BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)e.Varint);
                    output.Write(scratch[..4]);
                    break;
                default:
                    var length = PayloadLength(e);
                    WriteVarint(output, (ulong)length, scratch);
                    if (e.Bytes is not null)
                    {
                        output.Write(e.Bytes);
                    }
                    else if (e.Message is not null)
                    {
                        e.Message.WriteTo(output);
                    }
                    else
                    {
                        WriteBlob(output, e.Blob!);
                    }

                    break;
            }
        }
    }

    private static void WriteBlob(Stream output, Blob blob)
    {
        var before = output.CanSeek ? output.Position : -1;
        blob.Write(output);
        if (before >= 0 && output.Position - before != blob.Length)
        {
            throw new InvalidOperationException($"A tensor writer produced {output.Position - before} bytes, expected {blob.Length}.");
        }
    }

    public byte[] ToArray()
    {
        using var ms = new MemoryStream(checked((int)Size));
        WriteTo(ms);
        return ms.ToArray();
    }

    internal static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static void WriteVarint(Stream output, ulong value, Span<byte> scratch)
    {
        var n = 0;
        while (value >= 0x80)
        {
            scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        scratch[n++] = (byte)value;
        output.Write(scratch[..n]);
    }
}
