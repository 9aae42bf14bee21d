using System.Globalization;

namespace LlamaAspire.ModelBuilder.Onnx;

/// <summary>A graph under construction: nodes, streamed initializers, typed inputs and outputs.</summary>
internal sealed class OnnxGraph(string name)
{
    public const string MsDomain = "com.microsoft";

    public string Name { get; } = name;
    public List<OnnxNode> Nodes { get; } = [];
    public List<TensorData> Initializers { get; } = [];
    public List<ValueInfo> Inputs { get; } = [];
    public List<ValueInfo> Outputs { get; } = [];
    public Dictionary<string, long> OpsetImports { get; } = new() { [""] = 17, [MsDomain] = 1 };

    public void Node(string opType, string name, string[] inputs, string[] outputs, string domain = "", params Attr[] attributes) =>
        Nodes.Add(new OnnxNode(opType, name, inputs, outputs, domain, attributes));

    public string Initializer(TensorData tensor)
    {
        Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A small constant held in memory (shape vectors, scalars).</summary>
    public string Int64Constant(string name, params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), values[i]);
        }

        var dims = values.Length == 1 ? Array.Empty<long>() : [values.Length];
        return Initializer(new TensorData(name, OnnxDataType.Int64, dims, bytes.Length, s => s.Write(bytes)));
    }

    public string Int64Vector(string name, params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), values[i]);
        }

        return Initializer(new TensorData(name, OnnxDataType.Int64, [values.Length], bytes.Length, s => s.Write(bytes)));
    }

    public long InitializerBytes => Initializers.Sum(t => t.ByteLength);

    public static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}
