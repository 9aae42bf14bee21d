namespace LlamaAspire.ModelBuilder.Onnx;

/// <summary>
/// Writes an <see cref="OnnxGraph"/> as a ModelProto. Initializers are streamed: embedded as raw_data, or, with external
/// data, appended to a side file at page-aligned offsets (so ONNX Runtime can memory-map them) and referenced by
/// data_location=EXTERNAL with location/offset/length entries.
/// </summary>
internal static class OnnxModelWriter
{
    public const long ProtobufLimit = int.MaxValue; // 2 GiB - 1: protobuf's hard message limit
    public const int Alignment = 4096;
    public const long ExternalThreshold = 1024; // tensors smaller than this stay inline

    /// <summary>The serialized size with every initializer inline (what decides whether external data is needed).</summary>
    public static long EstimateInlineSize(OnnxGraph graph, IReadOnlyDictionary<string, string> metadata) =>
        BuildModel(graph, metadata, externalFile: null, _ => { }).Size;

    /// <summary>Writes <paramref name="modelPath"/> (and <paramref name="modelPath"/>.data when <paramref name="external"/>).</summary>
    /// <param name="progress">called with the byte count of each initializer once written.</param>
    public static void Write(OnnxGraph graph, string modelPath, bool external, IReadOnlyDictionary<string, string> metadata, Action<long> progress)
    {
        FileStream? data = null;
        try
        {
            string? externalName = null;
            if (external)
            {
                externalName = Path.GetFileName(modelPath) + ".data";
                data = new FileStream(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, externalName),
                    FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            }

            var model = BuildModel(graph, metadata, data is null ? null : (externalName!, data), progress);
            if (model.Size > ProtobufLimit)
            {
                throw new InvalidOperationException(
                    $"The model would be {model.Size:N0} bytes, over protobuf's 2 GB limit; write it with external data.");
            }

            using var output = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            model.WriteTo(output);
        }
        finally
        {
            data?.Dispose();
        }
    }

    private static ProtoMessage BuildModel(OnnxGraph graph, IReadOnlyDictionary<string, string> metadata,
        (string Name, FileStream Stream)? externalFile, Action<long> progress)
    {
        var g = new ProtoMessage();
        foreach (var n in graph.Nodes)
        {
            g.Message(OnnxFields.GraphNode, n.ToProto());
        }

        g.String(OnnxFields.GraphName, graph.Name);
        foreach (var t in graph.Initializers)
        {
            g.Message(OnnxFields.GraphInitializer, TensorProto(t, externalFile, progress));
        }

        foreach (var i in graph.Inputs)
        {
            g.Message(OnnxFields.GraphInput, i.ToProto());
        }

        foreach (var o in graph.Outputs)
        {
            g.Message(OnnxFields.GraphOutput, o.ToProto());
        }

        var m = new ProtoMessage()
            .Varint(OnnxFields.ModelIrVersion, 8)
            .String(OnnxFields.ModelProducerName, "LlamaAspire.ModelBuilder")
            .String(OnnxFields.ModelProducerVersion, "1")
            .Varint(OnnxFields.ModelVersion, 1)
            .Message(OnnxFields.ModelGraph, g);
        foreach (var (domain, version) in graph.OpsetImports.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            m.Message(OnnxFields.ModelOpsetImport, new ProtoMessage().String(OnnxFields.OpsetDomain, domain).Varint(OnnxFields.OpsetVersion, version));
        }

        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            m.Message(OnnxFields.ModelMetadataProps, new ProtoMessage().String(OnnxFields.EntryKey, key).String(OnnxFields.EntryValue, value));
        }

        return m;
    }

    private static ProtoMessage TensorProto(TensorData t, (string Name, FileStream Stream)? externalFile, Action<long> progress)
    {
        var m = new ProtoMessage();
        foreach (var d in t.Dims)
        {
            m.Varint(OnnxFields.TensorDims, d);
        }

        m.Varint(OnnxFields.TensorDataType, (long)t.DataType).String(OnnxFields.TensorName, t.Name);
        if (externalFile is { } ext && t.ByteLength >= ExternalThreshold)
        {
            // Written now, in graph order, so the data file is complete before the model file is.
            var s = ext.Stream;
            var offset = (s.Position + Alignment - 1) / Alignment * Alignment;
            if (offset > s.Position)
            {
                s.Write(new byte[offset - s.Position]);
            }

            t.Write(s);
            if (s.Position - offset != t.ByteLength)
            {
                throw new InvalidOperationException($"Tensor {t.Name} wrote {s.Position - offset} bytes, expected {t.ByteLength}.");
            }

            progress(t.ByteLength);
            m.Message(OnnxFields.TensorExternalData, Entry("location", ext.Name))
                .Message(OnnxFields.TensorExternalData, Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Message(OnnxFields.TensorExternalData, Entry("length", t.ByteLength.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Varint(OnnxFields.TensorDataLocation, OnnxFields.DataLocationExternal);
        }
        else
        {
            m.Stream(OnnxFields.TensorRawData, new ProtoMessage.Blob(t.ByteLength, s =>
            {
                t.Write(s);
                progress(t.ByteLength);
            }));
        }

        return m;
    }

    private static ProtoMessage Entry(string key, string value) =>
        new ProtoMessage().String(OnnxFields.EntryKey, key).String(OnnxFields.EntryValue, value);
}
