namespace LlamaAspire.ModelBuilder.Onnx;

/// <summary>What <see cref="OnnxReader"/> extracts from a ModelProto (skipping tensor bytes, so GB files read fast).</summary>
internal sealed class OnnxSummary
{
    public long IrVersion { get; set; }
    public string ProducerName { get; set; } = "";
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> OpCounts { get; } = new(StringComparer.Ordinal);
    public List<(string Name, OnnxDataType Type, long[] Dims, bool External)> Initializers { get; } = [];
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
}

/// <summary>A minimal protobuf reader for onnx.proto: nodes, initializer headers, inputs/outputs, opsets, metadata.</summary>
internal static class OnnxReader
{
    public static OnnxSummary Read(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var summary = new OnnxSummary();
        ReadMessage(s, s.Length, (field, wire) =>
        {
            switch (field)
            {
                case OnnxFields.ModelIrVersion: summary.IrVersion = (long)ReadVarint(s); return true;
                case OnnxFields.ModelProducerName: summary.ProducerName = ReadString(s); return true;
                case OnnxFields.ModelGraph: ReadGraph(s, End(s), summary); return true;
                case OnnxFields.ModelOpsetImport:
                    var (domain, version) = ("", 0L);
                    ReadMessage(s, End(s), (f, _) => f switch
                    {
                        OnnxFields.OpsetDomain => Set(ref domain, ReadString(s)),
                        OnnxFields.OpsetVersion => Set(ref version, (long)ReadVarint(s)),
                        _ => false,
                    });
                    summary.Opsets[domain] = version;
                    return true;
                case OnnxFields.ModelMetadataProps:
                    var (key, value) = ("", "");
                    ReadMessage(s, End(s), (f, _) => f switch
                    {
                        OnnxFields.EntryKey => Set(ref key, ReadString(s)),
                        OnnxFields.EntryValue => Set(ref value, ReadString(s)),
                        _ => false,
                    });
                    summary.Metadata[key] = value;
                    return true;
                default: return false;
            }
        });
        return summary;
    }

    private static void ReadGraph(Stream s, long end, OnnxSummary summary) => ReadMessage(s, end, (field, _) =>
    {
        switch (field)
        {
            case OnnxFields.GraphNode:
                var (op, domain) = ("", "");
                ReadMessage(s, End(s), (f, _) => f switch
                {
                    OnnxFields.NodeOpType => Set(ref op, ReadString(s)),
                    OnnxFields.NodeDomain => Set(ref domain, ReadString(s)),
                    _ => false,
                });
                var key = domain.Length == 0 ? op : $"{domain}.{op}";
                summary.OpCounts[key] = summary.OpCounts.GetValueOrDefault(key) + 1;
                return true;
            case OnnxFields.GraphInitializer:
                var name = "";
                var type = 0L;
                var external = false;
                var dims = new List<long>();
                ReadMessage(s, End(s), (f, wire) =>
                {
                    switch (f)
                    {
                        case OnnxFields.TensorName: name = ReadString(s); return true;
                        case OnnxFields.TensorDataType: type = (long)ReadVarint(s); return true;
                        case OnnxFields.TensorDataLocation: external = ReadVarint(s) == OnnxFields.DataLocationExternal; return true;
                        case OnnxFields.TensorDims when wire == 0: dims.Add((long)ReadVarint(s)); return true;
                        case OnnxFields.TensorDims when wire == 2:
                            var e = End(s);
                            while (s.Position < e)
                            {
                                dims.Add((long)ReadVarint(s));
                            }

                            return true;
                        default: return false;
                    }
                });
                summary.Initializers.Add((name, (OnnxDataType)type, dims.ToArray(), external));
                return true;
            case OnnxFields.GraphInput:
            case OnnxFields.GraphOutput:
                var valueName = "";
                ReadMessage(s, End(s), (f, _) => f == OnnxFields.ValueInfoName && Set(ref valueName, ReadString(s)));
                (field == OnnxFields.GraphInput ? summary.Inputs : summary.Outputs).Add(valueName);
                return true;
            default:
                return false;
        }
    });

    private static bool Set<T>(ref T target, T value)
    {
        target = value;
        return true;
    }

    /// <summary>Reads fields until <paramref name="end"/>; the handler returns false to skip a field it does not want.</summary>
    private static void ReadMessage(Stream s, long end, Func<int, int, bool> handler)
    {
        while (s.Position < end)
        {
            var tag = ReadVarint(s);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            var start = s.Position;
            if (handler(field, wire))
            {
                continue;
            }

            s.Position = start;
            Skip(s, wire);
        }

        if (s.Position != end)
        {
            throw new InvalidDataException("Malformed protobuf: a field ran past its message.");
        }
    }

    private static long End(Stream s)
    {
        var length = (long)ReadVarint(s);
        return s.Position + length;
    }

    private static void Skip(Stream s, int wire)
    {
        switch (wire)
        {
            case 0: ReadVarint(s); break;
            case 1: s.Position += 8; break;
            case 2: s.Position = End(s); break;
            case 5: s.Position += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wire} at byte {s.Position}.");
        }
    }

    private static string ReadString(Stream s)
    {
        var length = (int)ReadVarint(s);
        var bytes = new byte[length];
        s.ReadExactly(bytes);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private static ulong ReadVarint(Stream s)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = s.ReadByte();
            if (b < 0)
            {
                throw new InvalidDataException("Unexpected end of file inside a varint.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed varint.");
    }
}
