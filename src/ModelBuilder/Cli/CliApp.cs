using LlamaAspire.ModelBuilder.Llama;

namespace LlamaAspire.ModelBuilder.Cli;

internal static class CliApp
{
    public const int ExitOk = 0, ExitError = 2;

    public const string Usage = """
        llama-model-builder: writes Llama-3.2-shaped int4 ONNX models with seeded weights, their tokenizer and config.json.

          build   --preset tiny|llama-3.2-1b|llama-3.2-3b [--out <dir>] [--format onnx|ort] [--optimize] [--prepack]
                  [--seed N] [--context-length N] [--external-data] [--embedding int4|fp32] [--accuracy-level 0|1|4] [--sessions N] [--prefill-logits all|last] [--if-missing] [--verify]
                  [--hidden-size N] [--layers N] [--heads N] [--kv-heads N] [--head-dim N] [--intermediate-size N] [--vocab-size N]
          inspect <dir>
          verify  <dir>   (open the session as config.json says, run a prompt, check the logits)
          upload  <dir> s3://bucket/prefix/ [--if-missing]   (AWS credential chain; AWS_ENDPOINT_URL_S3 for an S3-compatible server)
          compile-tokenizer <dir>   (write tokenizer.bpe beside a downloaded export's tokenizer: the function loads it in milliseconds)
        """;

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? ExitError : ExitOk;
            }

            return args[0] switch
            {
                "build" => BuildCommand.Run(args[1..], stdout),
                "inspect" => InspectCommand.Run(args[1..], stdout),
                "verify" => BuildCommand.Verify(args[1..], stdout),
                "upload" => UploadCommand.Run(args[1..], stdout),
                "compile-tokenizer" => CompileTokenizerCommand.Run(args[1..], stdout),
                _ => throw new UsageException($"unknown command '{args[0]}' (expected build, inspect, verify, upload or compile-tokenizer)."),
            };
        }
        catch (Exception e) when (e is UsageException or BuildException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
                                   or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            stderr.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return ExitError;
        }
    }
}
