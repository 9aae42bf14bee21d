using System.Security.Cryptography;
using LlamaAspire.LambdaEmulator.Configuration;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// <c>CodeSize</c> and <c>CodeSha256</c> of an emulated function: the file it runs — the command when it is a file (a published
/// <c>bootstrap</c>), else the first argument that is one (<c>dotnet bootstrap.dll</c>) — not the whole directory, which holds the model.
/// </summary>
public sealed record FunctionCode(string? Path, long Size, string Sha256)
{
    private static readonly string EmptySha256 = Convert.ToBase64String(SHA256.HashData([]));

    /// <summary>Hashes the function's code file (once per function; a bootstrap is tens of MB).</summary>
    public static FunctionCode Of(FunctionOptions options)
    {
        var directory = options.WorkingDirectory is { Length: > 0 } wd ? wd : Environment.CurrentDirectory;
        var file = new[] { options.Command }.Concat(options.Arguments)
            .Select(f => System.IO.Path.IsPathRooted(f) ? f : System.IO.Path.Combine(directory, f))
            .FirstOrDefault(File.Exists);
        if (file is null)
        {
            return new FunctionCode(null, 0, EmptySha256);
        }

        using var stream = File.OpenRead(file);
        return new FunctionCode(file, stream.Length, Convert.ToBase64String(SHA256.HashData(stream)));
    }
}
