namespace LlamaAspire.ModelBuilder.Onnx;

/// <summary>onnx.proto field numbers and enum values (checked against onnx/onnx.proto: ModelProto, GraphProto, ...).</summary>
internal static class OnnxFields
{
    // ModelProto
    public const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDomain = 4,
        ModelVersion = 5, ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;

    // OperatorSetIdProto
    public const int OpsetDomain = 1, OpsetVersion = 2;

    // GraphProto
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphDocString = 10,
        GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;

    // NodeProto
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;

    // AttributeProto
    public const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrFloats = 7, AttrInts = 8, AttrType = 20;
    public const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeString = 3, AttrTypeFloats = 6, AttrTypeInts = 7;

    // TensorProto
    public const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9,
        TensorExternalData = 13, TensorDataLocation = 14;
    public const int DataLocationExternal = 1;

    // StringStringEntryProto
    public const int EntryKey = 1, EntryValue = 2;

    // ValueInfoProto / TypeProto / TypeProto.Tensor / TensorShapeProto / Dimension
    public const int ValueInfoName = 1, ValueInfoType = 2;
    public const int TypeTensorType = 1;
    public const int TensorTypeElemType = 1, TensorTypeShape = 2;
    public const int ShapeDim = 1;
    public const int DimValue = 1, DimParam = 2;
}

/// <summary>TensorProto.DataType values used here.</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}

/// <summary>A graph dimension: a fixed size or a symbolic name.</summary>
internal readonly record struct Dim(long Value, string? Param)
{
    public static implicit operator Dim(long value) => new(value, null);

    public static implicit operator Dim(string param) => new(0, param);

    public override string ToString() => Param ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An initializer whose bytes are produced on demand (streamed to the file, never held whole).</summary>
internal sealed record TensorData(string Name, OnnxDataType DataType, long[] Dims, long ByteLength, Action<Stream> Write)
{
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>An ONNX node attribute value.</summary>
internal readonly record struct Attr(string Name, long? I = null, float? F = null, string? S = null, long[]? Ints = null)
{
    public static Attr Int(string name, long value) => new(name, I: value);

    public static Attr Float(string name, float value) => new(name, F: value);

    public static Attr Str(string name, string value) => new(name, S: value);

    public static Attr IntList(string name, params long[] values) => new(name, Ints: values);

    public ProtoMessage ToProto()
    {
        var m = new ProtoMessage().String(OnnxFields.AttrName, Name);
        if (I is { } i)
        {
            m.Varint(OnnxFields.AttrI, i).Varint(OnnxFields.AttrType, OnnxFields.AttrTypeInt);
        }
        else if (F is { } f)
        {
            m.Float(OnnxFields.AttrF, f).Varint(OnnxFields.AttrType, OnnxFields.AttrTypeFloat);
        }
        else if (S is { } s)
        {
            m.String(OnnxFields.AttrS, s).Varint(OnnxFields.AttrType, OnnxFields.AttrTypeString);
        }
        else
        {
            foreach (var v in Ints!)
            {
                m.Varint(OnnxFields.AttrInts, v);
            }

            m.Varint(OnnxFields.AttrType, OnnxFields.AttrTypeInts);
        }

        return m;
    }
}

internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, string Domain, Attr[] Attributes)
{
    public ProtoMessage ToProto()
    {
        var m = new ProtoMessage();
        foreach (var i in Inputs)
        {
            m.String(OnnxFields.NodeInput, i);
        }

        foreach (var o in Outputs)
        {
            m.String(OnnxFields.NodeOutput, o);
        }

        m.String(OnnxFields.NodeName, Name).String(OnnxFields.NodeOpType, OpType);
        foreach (var a in Attributes)
        {
            m.Message(OnnxFields.NodeAttribute, a.ToProto());
        }

        if (Domain.Length > 0)
        {
            m.String(OnnxFields.NodeDomain, Domain);
        }

        return m;
    }
}

internal sealed record ValueInfo(string Name, OnnxDataType ElemType, Dim[] Shape)
{
    public ProtoMessage ToProto()
    {
        var shape = new ProtoMessage();
        foreach (var d in Shape)
        {
            var dim = new ProtoMessage();
            if (d.Param is { } p)
            {
                dim.String(OnnxFields.DimParam, p);
            }
            else
            {
                dim.Varint(OnnxFields.DimValue, d.Value);
            }

            shape.Message(OnnxFields.ShapeDim, dim);
        }

        var tensorType = new ProtoMessage()
            .Varint(OnnxFields.TensorTypeElemType, (long)ElemType)
            .Message(OnnxFields.TensorTypeShape, shape);
        var type = new ProtoMessage().Message(OnnxFields.TypeTensorType, tensorType);
        return new ProtoMessage().String(OnnxFields.ValueInfoName, Name).Message(OnnxFields.ValueInfoType, type);
    }
}
