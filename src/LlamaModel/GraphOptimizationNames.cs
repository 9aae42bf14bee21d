namespace LlamaAspire.LlamaModel;

/// <summary>Reads an optimisation level as config.json or an environment variable spells it.</summary>
public static class GraphOptimizationNames
{
    /// <summary>
    /// "ORT_DISABLE_ALL" (as config.json records it), "disable_all", "basic", "extended", "all" and a few synonyms, any case;
    /// anything else (or null) is <see cref="GraphOptimization.Default"/>.
    /// </summary>
    public static GraphOptimization Parse(string? value) => value?.Trim().ToLowerInvariant().Replace("ort_", "", StringComparison.Ordinal) switch
    {
        "disable_all" or "disabled" or "none" or "off" => GraphOptimization.DisableAll,
        "basic" or "enable_basic" => GraphOptimization.Basic,
        "extended" or "enable_extended" => GraphOptimization.Extended,
        "all" or "enable_all" => GraphOptimization.All,
        _ => GraphOptimization.Default,
    };
}
