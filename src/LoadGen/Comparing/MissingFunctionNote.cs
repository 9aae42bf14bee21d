namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// Why a function a variant needs may be missing, and what to do: the AppHost leaves the vanilla function out when Node.js is
/// absent (s3rver, the local S3 it downloads its model from, is an npm package), so that absence gets the install step; any
/// other function just is not at the target.
/// </summary>
public static class MissingFunctionNote
{
    /// <summary>What to do about <paramref name="function"/> being absent, as a clause to append; empty for a function the AppHost always has.</summary>
    public static string Remedy(string function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function == CompareVariant.VanillaFunction
            ? $" The AppHost adds {function} only when Node.js is installed: it needs s3rver, the local S3 its model is downloaded from at init. " +
              "Install Node.js 18 or later (e.g. apt-get install nodejs npm) and start the AppHost again."
            : "";
    }
}
