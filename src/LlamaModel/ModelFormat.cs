namespace LlamaAspire.LlamaModel;

/// <summary>How the model file is serialized.</summary>
public enum ModelFormat
{
    /// <summary>An ONNX protobuf (.onnx), possibly with external data.</summary>
    Onnx,

    /// <summary>ONNX Runtime's FlatBuffer format (.ort), memory-mappable.</summary>
    Ort,
}
