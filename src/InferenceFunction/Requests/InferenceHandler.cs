using System.Diagnostics;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>One invoke: parse, tokenize, generate (buffered or streamed), answer; with a FaaS server span per invoke.</summary>
public sealed class InferenceHandler(Generator generator, FunctionOptions options, TelemetrySetup telemetry, Func<string, string?> env) : ILambdaHandler
{
    int _invocations;

    public Generator Generator => generator;

    /// <summary>The <see cref="FunctionTelemetryNames.InitSpan"/> span: the cold-start invoke links to it (init ran before the invoke's trace was known).</summary>
    public ActivityContext InitContext { get; init; }

    /// <summary>Where one summary line per invoke goes (the function's log; Program: stderr).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The model's name in OpenAI answers and <c>GET /v1/models</c> (FunctionInit: <see cref="EnvVars.ModelId"/>, else the model's preset or directory name).</summary>
    public string ModelId { get; init; } = options.FunctionName;

    /// <summary>When the model was loaded: <c>created</c> of the model object in <c>GET /v1/models</c>.</summary>
    public DateTimeOffset ModelLoaded { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>This environment's init, phase by phase, reported with the cold start's answer.</summary>
    public InitTimings? InitTimings { get; init; }

    public async Task<LambdaResponse> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var entered = DateTimeOffset.UtcNow; // the server span starts here: parsing the request is the handler's work too
        bool coldStart = Interlocked.Increment(ref _invocations) == 1;
        var runner = generator.Runner;

        InferenceRequest? request = null;
        InvalidRequestException? invalid = null;
        try
        {
            request = RequestParser.Parse(invocation.Payload.Span, runner.ContextLength, options.MaxRequestBytes);
        }
        catch (InvalidRequestException ex)
        {
            invalid = ex;
        }

        if (coldStart && InitTimings is { } init)
        {
            Log?.Invoke(InitMetricsLog.Format(options.FunctionName, init, DateTimeOffset.UtcNow));
        }

        var activity = StartInvokeSpan(invocation, request, coldStart, entered);
        var api = request?.Api ?? invalid!.Api;
        try
        {
            if (invalid is not null)
            {
                throw invalid;
            }

            if (request!.Api == RequestApi.Models)
            {
                var answer = ModelsAnswer(request.Model);
                activity?.Dispose();
                activity = null;
                telemetry.Flush();
                return answer;
            }

            var prompt = request.Messages is { } messages ? generator.Tokenizer.EncodeChat(messages) : generator.Tokenizer.EncodePrompt(request.Prompt!);
            if (prompt.Count >= runner.ContextLength)
            {
                throw new InvalidRequestException($"The prompt is {prompt.Count} tokens; the context holds {runner.ContextLength} (at most {runner.ContextLength - 1} prompt tokens).",
                    request.Messages is null ? "prompt" : "messages", code: OpenAi.OpenAiApi.ErrorCodes.ContextLengthExceeded);
            }

            int maxTokens = Math.Min(request.MaxTokens ?? options.DefaultMaxTokens, runner.ContextLength - prompt.Count);
            var settings = new GenerationSettings(maxTokens, request.Sampling, request.Stop, options.StreamChunkTokens);
            var format = AnswerFormat.For(request, invocation.RequestId, ModelId);
            activity?.SetTag("llm.prompt_tokens", prompt.Count);
            activity?.SetTag("llm.max_tokens", maxTokens);
            activity?.SetTag("llm.stream", request.Stream);
            activity?.SetTag("llm.api", request.Api.ToString());

            if (request.Stream)
            {
                var detached = activity;
                activity = null; // the stream callback owns it now
                Activity.Current = null;
                bool http = request.IsHttp;
                var remaining = invocation.RemainingTime;
                return LambdaResponse.Streaming(http ? ResponseWriter.HttpIntegrationResponseContentType : ResponseWriter.EventStreamContentType,
                    async (stream, token) =>
                    {
                        using var budget = Budget(remaining - Stopwatch.GetElapsedTime(start), token);
                        await StreamAsync(stream, http, format, detached, prompt, settings, coldStart, start, budget.Token, token).ConfigureAwait(false);
                    });
            }

            using var generationBudget = Budget(invocation.RemainingTime, cancellationToken);
            var result = await generator.GenerateAsync(prompt, settings, null, start, generationBudget.Token).ConfigureAwait(false);
            Complete(activity, result, start);
            var body = ResponseWriter.Buffered(format.Buffered(result, Timings.From(result, coldStart, InitTimings)), request.IsHttp);
            activity?.Dispose();
            activity = null;
            telemetry.Flush();
            return LambdaResponse.Buffered(body, ResponseWriter.JsonContentType);
        }
        catch (InvalidRequestException ex) when (api.IsOpenAi())
        {
            Fail(activity, InvalidRequestException.InvalidRequest, ex.Message, ex);
            var type = ex.StatusCode == 404 ? OpenAi.OpenAiApi.ErrorTypes.NotFound : OpenAi.OpenAiApi.ErrorTypes.InvalidRequest;
            return HttpAnswer(OpenAi.OpenAiFormat.Error(ex.Message, type, ex.Param, ex.Code), ex.StatusCode);
        }
        catch (Exception ex) when (api.IsOpenAi() && ex is not (LambdaFunctionException or OperationCanceledException))
        {
            // An OpenAI client reads a 500 with OpenAI's error body; an invoke error would reach it as a bare 502.
            Fail(activity, "Runtime.InferenceError", ex.Message, ex);
            return HttpAnswer(OpenAi.OpenAiFormat.Error(ex.Message, OpenAi.OpenAiApi.ErrorTypes.Server, null, null), 500);
        }
        catch (InvalidRequestException ex)
        {
            throw Fail(activity, InvalidRequestException.InvalidRequest, ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw Fail(activity, InvalidRequestException.InvalidRequest, ex.Message, ex);
        }
        catch (Exception ex) when (ex is not LambdaFunctionException)
        {
            throw Fail(activity, "Runtime.InferenceError", ex.Message, ex);
        }
    }

    LambdaResponse ModelsAnswer(string? requested)
    {
        if (requested is not null && requested != ModelId)
        {
            throw new InvalidRequestException($"The model '{requested}' does not exist; this function serves '{ModelId}'.", "model", 404, OpenAi.OpenAiApi.ErrorCodes.ModelNotFound);
        }

        return HttpAnswer(OpenAi.OpenAiFormat.Models(ModelId, ModelLoaded.ToUnixTimeSeconds(), one: requested is not null), 200);
    }

    static LambdaResponse HttpAnswer(byte[] json, int statusCode) =>
        LambdaResponse.Buffered(ResponseWriter.Buffered(json, http: true, statusCode), ResponseWriter.JsonContentType);

    /// <summary>Fires <see cref="FunctionOptions.DeadlineMargin"/> before the deadline (or with <paramref name="token"/>).</summary>
    CancellationTokenSource Budget(TimeSpan remaining, CancellationToken token)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (remaining < TimeSpan.FromDays(1))
        {
            var budget = remaining - options.DeadlineMargin;
            cts.CancelAfter(budget > TimeSpan.Zero ? budget : TimeSpan.Zero);
        }
        return cts;
    }

    async Task StreamAsync(Stream stream, bool http, AnswerFormat format, Activity? activity, List<int> prompt, GenerationSettings settings, bool coldStart, long start, CancellationToken generation, CancellationToken token)
    {
        Activity.Current = activity; // prefill/decode nest under the invoke span
        try
        {
            // Function URL events: status and headers go first, as the prelude (what awslambda.HttpResponseStream.from writes).
            if (http)
            {
                await stream.WriteAsync(ResponseWriter.HttpStreamingPrelude(), token).ConfigureAwait(false);
            }

            foreach (var opening in format.StreamStart())
            {
                await stream.WriteAsync(opening, token).ConfigureAwait(false);
            }

            // Generation stops at the budget (before the deadline); writes only give up at the deadline itself.
            var result = await generator.GenerateAsync(prompt, settings, async (text, _) =>
            {
                await stream.WriteAsync(format.StreamDelta(text), token).ConfigureAwait(false);
                await stream.FlushAsync(token).ConfigureAwait(false);
            }, start, generation).ConfigureAwait(false);
            Complete(activity, result, start);
            foreach (var closing in format.StreamEnd(result, Timings.From(result, coldStart, InitTimings)))
            {
                await stream.WriteAsync(closing, CancellationToken.None).ConfigureAwait(false);
            }

            activity?.Dispose();
            activity = null;
            telemetry.Flush(); // before [DONE]: the response ends with it and Lambda may freeze us right after
            await stream.WriteAsync(ResponseWriter.DoneEvent, CancellationToken.None).ConfigureAwait(false);
            await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not LambdaFunctionException)
        {
            throw Fail(activity, "Runtime.InferenceError", ex.Message, ex);
        }
    }

    Activity? StartInvokeSpan(LambdaInvocation invocation, InferenceRequest? request, bool coldStart, DateTimeOffset startTime)
    {
        // The platform's invoke span (X-Ray header) first; else the HTTP caller's traceparent.
        ActivityContext parent = default;
        if (!XRayTraceHeader.TryParse(invocation.TraceId, out parent) && request?.TraceParent is { } tp && !XRayTraceHeader.TryParseTraceParent(tp, out parent))
        {
            parent = default;
        }

        var arn = FunctionArn.TryParse(invocation.InvokedFunctionArn, out var parsed) ? parsed : null;
        var (resourceId, accountId, arnRegion) = (arn?.WithQualifier(null).ToString(), arn?.AccountId, arn?.Region);
        var tags = new List<KeyValuePair<string, object?>>(10)
        {
            new(FaasAttributes.InvocationId, invocation.RequestId),
            new(FaasAttributes.ColdStart, coldStart),
            new(FaasAttributes.Trigger, request?.IsHttp == true ? FaasAttributes.Triggers.Http : FaasAttributes.Triggers.Other),
            new(FaasAttributes.Name, options.FunctionName),
            new(FaasAttributes.CloudProvider, FaasAttributes.AwsProvider),
        };
        if (resourceId is not null)
        {
            tags.Add(new(FaasAttributes.CloudResourceId, resourceId));
        }

        if (accountId is not null)
        {
            tags.Add(new(FaasAttributes.CloudAccountId, accountId));
        }

        if ((LambdaResourceAttributes.Region(env) ?? arnRegion) is string region)
        {
            tags.Add(new(FaasAttributes.CloudRegion, region));
        }

        if (!string.IsNullOrEmpty(invocation.InvokedFunctionArn))
        {
            tags.Add(new(FaasAttributes.InvokedArn, invocation.InvokedFunctionArn));
        }

        FunctionTelemetry.Invocations.Add(1);
        if (coldStart)
        {
            FunctionTelemetry.ColdStarts.Add(1);
        }

        IEnumerable<ActivityLink>? links = coldStart && InitContext != default ? [new ActivityLink(InitContext)] : null;
        return FunctionTelemetry.Source.StartActivity(options.FunctionName, ActivityKind.Server, parent, tags, links, startTime);
    }

    void Complete(Activity? activity, GenerationResult result, long start)
    {
        Log?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"INVOKE\tprompt={result.PromptTokens}\tcompletion={result.CompletionTokens}\tfinish={result.FinishReason}\tprefill={result.PrefillMs:F1}ms\tttft={result.TimeToFirstTokenMs:F1}ms\tdecode={result.DecodeTokensPerSecond:F1}tok/s"));
        FunctionTelemetry.InvokeDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        FunctionTelemetry.GeneratedTokens.Add(result.CompletionTokens);
        if (result.FinishReason == FinishReasons.Timeout)
        {
            FunctionTelemetry.Timeouts.Add(1);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("llm.completion_tokens", result.CompletionTokens);
        activity.SetTag("llm.finish_reason", result.FinishReason);
        activity.SetTag("llm.time_to_first_token_ms", result.TimeToFirstTokenMs);
        activity.SetTag("llm.decode_tokens_per_second", result.DecodeTokensPerSecond);
    }

    LambdaFunctionException Fail(Activity? activity, string errorType, string message, Exception inner)
    {
        FunctionTelemetry.Errors.Add(1);
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, message);
            activity.SetTag(FaasAttributes.ErrorType, errorType);
            activity.AddException(inner);
            activity.Dispose();
        }
        telemetry.Flush();
        return new LambdaFunctionException(errorType, message, inner);
    }
}
