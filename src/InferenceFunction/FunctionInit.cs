using System.Diagnostics;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaRuntime;
using LlamaAspire.LlamaModel;
using LlamaAspire.LlamaModel.Storage;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.InferenceFunction;

/// <summary>Everything init does, phase by phase. Any failure becomes a <see cref="LambdaFunctionException"/> (→ /init/error).</summary>
public static class FunctionInit
{
    /// <summary>Runs init; with <paramref name="snapshotHooks"/>, registers the function's SnapStart hooks (<see cref="FunctionSnapStart"/>).</summary>
    public static async Task<ILambdaHandler> InitializeAsync(
        DateTimeOffset mainEntered, Func<string, string?> env, Action<string> log, SnapshotHooks? snapshotHooks = null)
    {
        // The native import needs nothing else, and everything but the weight load can run beside it: start it first, on a
        // thread of its own, so that telemetry setup and the tokenizer overlap it. Its span is recorded once it is joined.
        var nativeImport = BackgroundPhase.Start(OrtEnv.Instance); // dlopen(libonnxruntime) + OrtCreateEnv
        var telemetryStartTime = DateTimeOffset.UtcNow;
        var telemetry = TelemetrySetup.Create(env);
        var telemetryEnd = DateTimeOffset.UtcNow;
        if (env(EnvVars.TelemetryWarmUp) != "0")
        {
            _ = telemetry.WarmUpInBackground();
        }

        var options = FunctionOptions.FromEnvironment(env);

        using var phases = new InitPhases(mainEntered, env);
        phases.Retroactive(FunctionTelemetryNames.TelemetrySetupSpan, telemetryStartTime, telemetryEnd, new KeyValuePair<string, object?>("otel.enabled", telemetry.Enabled));
        try
        {
            // The vanilla way of shipping a model: copy it from S3 to /tmp first (the native import overlaps the download).
            var download = options.ModelS3Uri is { } s3Uri
                ? Task.Run(() => phases.Run(FunctionTelemetryNames.ModelDownloadSpan, a => DownloadModel(s3Uri, options.ModelDirectory, env, a)))
                : Task.CompletedTask;

            // config.json is parsed once, by whichever phase needs it first (normally the tokenizer task, so it lands in
            // that span); a parse failure is cached and rethrown to both.
            var modelConfig = new Lazy<ModelConfig>(() => LoadModelConfig(options), LazyThreadSafetyMode.ExecutionAndPublication);

            // The tokenizer (parsing ~100k BPE ranks) needs only config.json: load it on another core while ONNX Runtime loads
            // and creates the session. Its span overlaps native import / weight load in the trace.
            var tokenizerTask = Task.Run(async () =>
            {
                await download.ConfigureAwait(false); // outside the span: the tokenizer's own time only
                return phases.Run(FunctionTelemetryNames.TokenizerLoadSpan, a =>
                {
                    var tokenizerPath = modelConfig.Value.TokenizerPath;
                    a?.SetTag("tokenizer.path", tokenizerPath);
                    var tokenizer = Llama3Tokenizer.Load(tokenizerPath);
                    a?.SetTag("tokenizer.compiled", tokenizer.Compiled);
                    if (tokenizer.CompiledSkipped is { } skipped)
                    {
                        log($"INIT\tcompiled tokenizer not used: {skipped}");
                    }

                    return tokenizer;
                });
            });
            _ = tokenizerTask.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);

            await phases.JoinAsync(FunctionTelemetryNames.NativeImportSpan, nativeImport, ort => [new("ort.version", ort.GetVersionString())]).ConfigureAwait(false);

            await download.ConfigureAwait(false); // the model is on disk from here on

            ModelRunner? runner = null;
            var config = phases.Run(FunctionTelemetryNames.WeightLoadSpan, a =>
            {
                var cfg = modelConfig.Value;
                WeightLoadInfo info;
                if (cfg.PartPaths.Count > 1)
                {
                    runner = new ModelRunner(SessionFactory.CreateParts(options, cfg, out info), cfg);
                    a?.SetTag("model.sessions", cfg.PartPaths.Count);
                }
                else
                {
                    var session = SessionFactory.Create(options, cfg, out info, out var pinned);
                    runner = new ModelRunner(session, cfg, pinned);
                }
                a?.SetTag("model.path", info.ModelPath);
                a?.SetTag("model.format", info.Format == ModelFormat.Ort ? "ort" : "onnx");
                a?.SetTag("model.bytes_on_disk", info.BytesOnDisk);
                a?.SetTag("model.bytes_mapped", info.BytesMapped);
                a?.SetTag("model.bytes_read", info.BytesRead);
                a?.SetTag("model.memory_mapped", info.MemoryMapped);
                a?.SetTag("model.context_length", cfg.ContextLength);
                a?.SetTag("model.kv_cache", cfg.KvCache == KvCacheMode.SharedBuffer ? "shared-buffer" : "growing");
                a?.SetTag("ort.graph_optimization_level", info.Optimization.ToString());
                a?.SetTag("ort.intra_op_threads", info.IntraOpThreads);
                a?.SetTag("ort.intra_op_threads.source", options.IntraOpThreadsSource);
                if (info.Fallback is not null)
                {
                    a?.SetTag("model.load_fallback", info.Fallback);
                }

                log($"INIT\tmodel {info.ModelPath} ({info.Format}, {info.BytesOnDisk} bytes, mapped {info.BytesMapped}, read {info.BytesRead}), " +
                    $"opt {info.Optimization}, {info.IntraOpThreads} intra-op threads ({options.IntraOpThreadsSource}), context {cfg.ContextLength}, kv {cfg.KvCache}" +
                    (info.Fallback is null ? "" : $"; {info.Fallback}"));
                return cfg;
            });

            var tokenizer = await tokenizerTask.ConfigureAwait(false);

            var generator = new Generator(runner!, tokenizer);
            if (options.Warmup)
            {
                phases.Run(FunctionTelemetryNames.WarmupSpan, _ =>
                {
                    runner!.Reset();
                    runner.Forward([Llama3SpecialTokens.BeginOfText]);
                    runner.Forward([Llama3SpecialTokens.BeginOfText]);
                    runner.Reset();
                    return 0;
                });
            }

            log(phases.Complete());
            var initTimings = new InitTimings(Math.Round(phases.TotalMs, 3), phases.Phases.ToDictionary(p => p.Name, p => Math.Round(p.Ms, 3)));
            // Export the init spans off the critical path: the first /next is not delayed by the exporter's first
            // connection, and the handler flushes again (waiting for this one) before the first response is sent.
            telemetry.FlushInBackground();
            if (snapshotHooks is not null)
            {
                FunctionSnapStart.Register(snapshotHooks, telemetry, log);
            }

            return new InferenceHandler(generator, options, telemetry, env)
            {
                InitContext = phases.InitContext,
                Log = log,
                InitTimings = initTimings,
                ModelId = env(EnvVars.ModelId) is { Length: > 0 } id ? id : config.Preset ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(config.Directory)),
            };
        }
        catch (Exception ex)
        {
            var (type, message) = ex switch
            {
                ModelLoadException m => (InitErrorTypes.Of(m.Failure), m.Message),
                OnnxRuntimeException o => (InitErrorTypes.ModelLoadError, $"ONNX Runtime failed for model directory '{options.ModelDirectory}': {o.Message}"),
                DllNotFoundException d => ("Runtime.NativeImportError", $"libonnxruntime could not be loaded: {d.Message}"),
                _ => ("Runtime.InitError", $"{ex.GetType().Name}: {ex.Message} (model directory '{options.ModelDirectory}')"),
            };
            phases.Fail(type, ex);
            log(phases.Complete(failed: true));
            telemetry.Flush();
            throw new LambdaFunctionException(type, message, ex);
        }
    }

    /// <summary>Downloads the model directory from S3 (AWS's client and credential chain; <c>AWS_ENDPOINT_URL_S3</c> for a local server).</summary>
    static int DownloadModel(string uri, string directory, Func<string, string?> env, Activity? span)
    {
        S3ModelLocation location;
        try
        {
            location = S3ModelLocation.Parse(uri);
        }
        catch (FormatException ex)
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"{EnvVars.ModelS3Uri}: {ex.Message}");
        }

        span?.SetTag("model.s3_uri", location.ToString());
        try
        {
            using var s3 = S3ModelStore.CreateClient(env);
            var transfer = S3ModelStore.DownloadAsync(s3, location, directory).GetAwaiter().GetResult();
            span?.SetTag("model.bytes_downloaded", transfer.Bytes);
            span?.SetTag("model.files", transfer.Files);
            return transfer.Files;
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or FileNotFoundException or IOException or HttpRequestException)
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"The model could not be downloaded from {location} to '{directory}': {ex.Message}");
        }
    }

    /// <summary>The shared model-directory reader, after a directory check whose message says which variable sets the path.</summary>
    static ModelConfig LoadModelConfig(FunctionOptions options)
    {
        if (!Directory.Exists(options.ModelDirectory))
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model directory '{options.ModelDirectory}' does not exist (set {EnvVars.ModelDir}).");
        }

        return ModelDirectory.Load(options.ModelDirectory, options.ContextLengthCap);
    }
}
