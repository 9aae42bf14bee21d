using System.Globalization;
using LlamaAspire.LlamaModel;
using LlamaAspire.LlamaModel.Storage;

namespace LlamaAspire.ModelBuilder.Cli;

/// <summary>
/// `upload dir s3://bucket/prefix/ [--if-missing]`: puts a model directory in S3 (or an S3-compatible server named by
/// <c>AWS_ENDPOINT_URL_S3</c>), for functions that download their model at init (<c>LLAMA_MODEL_S3_URI</c>).
/// </summary>
internal static class UploadCommand
{
    public static int Run(string[] args, TextWriter o)
    {
        var a = new CliArgs(args, new HashSet<string>(), new HashSet<string> { "--if-missing" });
        if (a.Positional.Count != 2)
        {
            throw new UsageException("upload takes two arguments: the model directory and s3://bucket/prefix/.");
        }

        var dir = Path.GetFullPath(a.Positional[0]);
        if (!File.Exists(Path.Combine(dir, ModelDirectoryLayout.ConfigFile)))
        {
            throw new UsageException($"{dir} is not a model directory (no {ModelDirectoryLayout.ConfigFile}).");
        }

        S3ModelLocation to;
        try
        {
            to = S3ModelLocation.Parse(a.Positional[1]);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }

        using var s3 = S3ModelStore.CreateClient(Environment.GetEnvironmentVariable);
        if (a.Has("--if-missing") && S3ModelStore.ExistsAsync(s3, to).GetAwaiter().GetResult())
        {
            o.WriteLine($"{to} already holds a model ({ModelDirectoryLayout.ConfigFile} is there): not uploaded again.");
            return CliApp.ExitOk;
        }

        var transfer = S3ModelStore.UploadAsync(s3, dir, to).GetAwaiter().GetResult();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"uploaded {transfer.Files} files, {transfer.Bytes:N0} bytes, to {to} in {transfer.Elapsed.TotalSeconds:F1} s ({transfer.MegabytesPerSecond:F0} MB/s)"));
        return CliApp.ExitOk;
    }
}
