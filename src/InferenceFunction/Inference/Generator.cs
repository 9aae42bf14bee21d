using System.Diagnostics;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LlamaModel;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.InferenceFunction.Inference;

public sealed record GenerationSettings(int MaxTokens, SamplingSettings Sampling, IReadOnlyList<string> Stop, int ChunkTokens = 1);

public static class FinishReasons
{
    public const string Stop = "stop";       // eos token or a stop string
    public const string Length = "length";   // max_tokens or the context is full
    public const string Timeout = "timeout"; // the invoke's deadline
}

public sealed record GenerationResult(
    string Text, string FinishReason, int PromptTokens, int CompletionTokens,
    double PrefillMs, double DecodeMs, double TimeToFirstTokenMs, int DecodeSteps, IReadOnlyList<int> Tokens)
{
    public double DecodeTokensPerSecond => DecodeMs > 0 ? DecodeSteps / (DecodeMs / 1000.0) : 0;
}

/// <summary>
/// The text of a growing token list. Only the tokens after the last clean UTF-8 boundary are decoded again, so the
/// tokenizer's work per token is O(1); returning the whole text still copies it (O(length), cheap next to a forward pass).
/// An incomplete multi-byte character shows as a trailing U+FFFD until it completes.
/// </summary>
public sealed class IncrementalDecoder(Llama3Tokenizer tokenizer)
{
    readonly List<int> _ids = [];
    string _stable = "";
    int _stableCount;

    public IReadOnlyList<int> Ids => _ids;

    /// <summary>Adds a token; returns the whole text so far.</summary>
    public string Add(int id)
    {
        _ids.Add(id);
        string text = _stable + tokenizer.Decode(_ids.GetRange(_stableCount, _ids.Count - _stableCount));
        if (text.Length == 0 || text[^1] != '\uFFFD')
        {
            _stable = text;
            _stableCount = _ids.Count;
        }
        return text;
    }
}

/// <summary>The generation loop: one prefill Run over the prompt, then one decode Run per token.</summary>
public sealed class Generator(ModelRunner runner, Llama3Tokenizer tokenizer)
{
    readonly HashSet<int> _eos = [.. runner.Config.EosTokenIds, Llama3SpecialTokens.EndOfTurn, Llama3SpecialTokens.EndOfMessage, Llama3SpecialTokens.EndOfText];

    public ModelRunner Runner => runner;
    public Llama3Tokenizer Tokenizer => tokenizer;

    /// <param name="onText">Called with each new piece of text as it becomes final (stop strings held back, never emitted).</param>
    /// <param name="startTimestamp">Stopwatch timestamp the time to first token counts from (the invoke's start).</param>
    public async Task<GenerationResult> GenerateAsync(
        IReadOnlyList<int> prompt, GenerationSettings settings, Func<string, CancellationToken, ValueTask>? onText,
        long startTimestamp, CancellationToken cancellationToken)
    {
        if (prompt.Count == 0)
        {
            throw new ArgumentException("Empty prompt.", nameof(prompt));
        }

        if (prompt.Count >= runner.ContextLength)
        {
            throw new ArgumentException($"The prompt is {prompt.Count} tokens; the context holds {runner.ContextLength}.", nameof(prompt));
        }

        var sampler = new Sampler(settings.Sampling);
        var generated = new List<int>(Math.Min(settings.MaxTokens, 1024));
        var promptIds = prompt as int[] ?? [.. prompt];
        int maxStop = settings.Stop.Count == 0 ? 0 : settings.Stop.Max(s => s.Length);
        string finish = FinishReasons.Length;
        string decoded = "";
        var text = new IncrementalDecoder(tokenizer);
        int emitted = 0, sinceEmit = 0, finalLength = -1, decodeSteps = 0;
        double prefillMs = 0, ttftMs = 0;
        long decodeStart = 0, decodeEnd = 0;

        runner.RunOptions.Terminate = false;
        using var reg = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runner.RunOptions);
        runner.Reset();

        Activity? decodeSpan = null;
        try
        {
            using (var prefill = FunctionTelemetry.Source.StartActivity(FunctionTelemetryNames.PrefillSpan))
            {
                prefill?.SetTag("llm.prompt_tokens", prompt.Count);
                long t0 = Stopwatch.GetTimestamp();
                runner.Forward(promptIds);
                prefillMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            decodeSpan = FunctionTelemetry.Source.StartActivity(FunctionTelemetryNames.DecodeSpan);
            decodeStart = Stopwatch.GetTimestamp();
            while (true)
            {
                SuppressUndecodable();
                int token = sampler.Sample(runner.LastLogits);
                if (generated.Count == 0)
                {
                    ttftMs = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
                    FunctionTelemetry.TimeToFirstToken.Record(ttftMs / 1000.0);
                }
                if (_eos.Contains(token)) { finish = FinishReasons.Stop; break; }
                generated.Add(token);
                sinceEmit++;

                int previousLength = decoded.Length;
                decoded = text.Add(token);
                if (maxStop > 0 && FindStop(decoded, settings.Stop, Math.Max(0, previousLength - maxStop - 1)) is var at && at >= 0)
                {
                    finalLength = at;
                    finish = FinishReasons.Stop;
                    break;
                }
                if (onText is not null && sinceEmit >= settings.ChunkTokens)
                {
                    int safe = SafeLength(decoded, emitted, settings.Stop);
                    if (safe > emitted)
                    {
                        await onText(decoded[emitted..safe], cancellationToken).ConfigureAwait(false);
                        emitted = safe;
                        sinceEmit = 0;
                    }
                }
                if (generated.Count >= settings.MaxTokens || runner.Position >= runner.ContextLength) { finish = FinishReasons.Length; break; }
                if (cancellationToken.IsCancellationRequested) { finish = FinishReasons.Timeout; break; }
                runner.Forward([token]);
                decodeSteps++;
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            finish = FinishReasons.Timeout; // RunOptions.Terminate stopped a Run at the deadline
            decoded = tokenizer.Decode(generated);
        }
        finally
        {
            decodeEnd = Stopwatch.GetTimestamp();
            decodeSpan?.SetTag("llm.completion_tokens", generated.Count);
            decodeSpan?.SetTag("llm.decode_steps", decodeSteps);
            decodeSpan?.SetTag("llm.finish_reason", finish);
            decodeSpan?.Dispose();
        }

        // A generation cut by max_tokens / the deadline can end inside a UTF-8 sequence: drop that incomplete tail.
        string final = (finalLength >= 0 ? decoded[..finalLength] : decoded).TrimEnd('\uFFFD');
        if (onText is not null && final.Length > emitted)
        {
            await onText(final[emitted..], cancellationToken).ConfigureAwait(false);
        }

        double decodeMs = decodeStart == 0 ? 0 : Stopwatch.GetElapsedTime(decodeStart, decodeEnd).TotalMilliseconds;
        var result = new GenerationResult(final, finish, prompt.Count, generated.Count, prefillMs, decodeMs, ttftMs, decodeSteps, generated);
        if (decodeSteps > 0)
        {
            FunctionTelemetry.TokensPerSecond.Record(result.DecodeTokensPerSecond);
        }

        return result;
    }

    /// <summary>
    /// Never sample ids the tokenizer has no text for: the gap between its BPE ranks and the special tokens (synthetic
    /// models with a cl100k_base vocabulary), and ids past the special tokens. A real Llama 3 tokenizer has no gap.
    /// </summary>
    void SuppressUndecodable()
    {
        if (tokenizer.BaseVocabularySize < Llama3SpecialTokens.BeginOfText)
        {
            runner.SuppressLogits(tokenizer.BaseVocabularySize, Llama3SpecialTokens.BeginOfText);
        }

        runner.SuppressLogits(Llama3SpecialTokens.BeginOfText + Llama3SpecialTokens.Count, runner.VocabSize);
    }

    /// <summary>The earliest index at which any stop string starts, searching from <paramref name="from"/>; -1 if none.</summary>
    public static int FindStop(string text, IReadOnlyList<string> stops, int from)
    {
        int best = -1;
        foreach (var stop in stops)
        {
            if (stop.Length == 0)
            {
                continue;
            }

            int i = text.IndexOf(stop, Math.Min(from, text.Length), StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>
    /// How much of <paramref name="text"/> can be emitted now: not an incomplete UTF-8 tail (U+FFFD), and not a suffix that
    /// could be the start of a stop string.
    /// </summary>
    public static int SafeLength(string text, int emitted, IReadOnlyList<string> stops)
    {
        int safe = text.Length;
        while (safe > emitted && text[safe - 1] == '\uFFFD')
        {
            safe--;
        }

        int hold = 0;
        foreach (var stop in stops)
        {
            for (int l = Math.Min(stop.Length - 1, safe - emitted); l > hold; l--)
            {
                if (string.CompareOrdinal(text, safe - l, stop, 0, l) == 0) { hold = l; break; }
            }
        }
        return safe - hold;
    }
}
