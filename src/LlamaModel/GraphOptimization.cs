namespace LlamaAspire.LlamaModel;

/// <summary>ONNX Runtime graph optimisation levels, without a dependency on ONNX Runtime (this library has none).</summary>
public enum GraphOptimization
{
    /// <summary>Nothing said: the loader decides.</summary>
    Default,

    /// <summary>ORT_DISABLE_ALL.</summary>
    DisableAll,

    /// <summary>ORT_ENABLE_BASIC.</summary>
    Basic,

    /// <summary>ORT_ENABLE_EXTENDED.</summary>
    Extended,

    /// <summary>ORT_ENABLE_ALL.</summary>
    All,
}
