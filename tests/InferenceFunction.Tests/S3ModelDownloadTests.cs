using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaRuntime;
using LlamaAspire.LlamaModel.Storage;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The vanilla way of shipping a model: init downloads it from S3 (a real S3 server, s3rver) to a local directory.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class S3ModelDownloadTests(TinyModelFixture tiny) : IDisposable
{
    readonly string _target = TestPaths.NewTempDirectory("llama-s3-model");

    public void Dispose() => Directory.Delete(_target, recursive: true);

    Func<string, string?> Env(S3rverProcess s3, string uri) => name => name switch
    {
        EnvVars.ModelS3Uri => uri,
        EnvVars.ModelDir => _target,
        _ => s3.ClientEnvironment.GetValueOrDefault(name),
    };

    [S3rverFact]
    public async Task Init_downloads_the_model_in_its_own_phase_then_answers()
    {
        using var s3 = await S3rverProcess.StartAsync();
        using (var client = S3ModelStore.CreateClient(name => s3.ClientEnvironment.GetValueOrDefault(name)))
        {
            var upload = await S3ModelStore.UploadAsync(client, tiny.OnnxDirectory, S3ModelLocation.Parse("s3://models/tiny"));
            Assert.Equal(Directory.GetFiles(tiny.OnnxDirectory).Length, upload.Files);
        }

        var handler = (InferenceHandler)await FunctionInit.InitializeAsync(DateTimeOffset.UtcNow, Env(s3, "s3://models/tiny/"), _ => { });
        foreach (var file in Directory.GetFiles(tiny.OnnxDirectory))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(_target, Path.GetFileName(file))));
        }

        Assert.True(handler.InitTimings!.Phases.ContainsKey(FunctionTelemetryNames.ModelDownloadSpan));
        var invocation = new LambdaInvocation("r", DateTimeOffset.UtcNow.AddMinutes(1), "arn:aws:lambda:us-east-1:1:function:f", null, null, null,
            """{"prompt":"Hi","max_tokens":2}"""u8.ToArray());
        Assert.IsType<BufferedLambdaResponse>(await handler.InvokeAsync(invocation, default));
    }

    [S3rverFact]
    public async Task An_empty_location_is_a_model_load_error_naming_it()
    {
        using var s3 = await S3rverProcess.StartAsync();
        using (var client = S3ModelStore.CreateClient(name => s3.ClientEnvironment.GetValueOrDefault(name)))
        {
            await client.PutBucketAsync("models");
        }

        var ex = await Assert.ThrowsAsync<LambdaFunctionException>(() => FunctionInit.InitializeAsync(DateTimeOffset.UtcNow, Env(s3, "s3://models/nothing-here/"), _ => { }));
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains("No objects under s3://models/nothing-here/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_location_is_a_model_load_error_naming_the_variable()
    {
        Func<string, string?> env = name => name == EnvVars.ModelS3Uri ? "https://example/models" : name == EnvVars.ModelDir ? _target : null;
        var ex = await Assert.ThrowsAsync<LambdaFunctionException>(() => FunctionInit.InitializeAsync(DateTimeOffset.UtcNow, env, _ => { }));
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains($"{EnvVars.ModelS3Uri}: 'https://example/models' is not an S3 location", ex.Message, StringComparison.Ordinal);
    }
}
