using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class GenerationTests(TinyModelFixture tiny)
{
    static GenerationSettings Greedy(int maxTokens, params string[] stop) => new(maxTokens, SamplingSettings.Greedy, stop);

    static Task<GenerationResult> Generate(Generator g, string prompt, GenerationSettings s, Func<string, CancellationToken, ValueTask>? onText = null, CancellationToken ct = default) =>
        g.GenerateAsync(g.Tokenizer.EncodePrompt(prompt), s, onText, System.Diagnostics.Stopwatch.GetTimestamp(), ct);

    [Fact]
    public async Task Greedy_output_is_deterministic_across_runs_and_sessions()
    {
        var g1 = TinyModelFixture.Load(tiny.OnnxDirectory, out var r1);
        var g2 = TinyModelFixture.Load(tiny.OnnxDirectory, out var r2);
        using (r1)
        using (r2)
        {
            var a = await Generate(g1, "The capital of France is", Greedy(24));
            var b = await Generate(g1, "The capital of France is", Greedy(24));
            var c = await Generate(g2, "The capital of France is", Greedy(24));
            Assert.Equal(a.Tokens, b.Tokens);
            Assert.Equal(a.Tokens, c.Tokens);
            Assert.Equal(a.Text, c.Text);
            Assert.True(a.CompletionTokens > 0);
            Assert.Equal(a.PromptTokens, g1.Tokenizer.EncodePrompt("The capital of France is").Count);
            Assert.Equal(a.CompletionTokens == 24 ? FinishReasons.Length : FinishReasons.Stop, a.FinishReason);
            Assert.True(a.PrefillMs > 0);
        }
    }

    [Fact]
    public async Task Seeded_sampling_is_deterministic()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var s = new GenerationSettings(20, new SamplingSettings(1.0f, 50, 0.95f, 1234), []);
            var a = await Generate(g, "Once upon a time", s);
            var b = await Generate(g, "Once upon a time", s);
            var c = await Generate(g, "Once upon a time", s with { Sampling = new SamplingSettings(1.0f, 50, 0.95f, 99) });
            Assert.Equal(a.Tokens, b.Tokens);
            Assert.NotEqual(a.Tokens, c.Tokens);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kv_cache_decode_matches_full_recomputation(bool ortFormat)
    {
        var g = TinyModelFixture.Load(ortFormat ? tiny.OrtDirectory : tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var tokens = g.Tokenizer.EncodePrompt("Hello world, this is a test of the cache");
            runner.Reset();
            runner.Forward(tokens.ToArray());
            var stepLogits = new List<float[]>();
            for (int step = 0; step < 12; step++)
            {
                int next = Sampler.ArgMax(runner.LastLogits);
                tokens.Add(next);
                runner.Forward([next]);
                stepLogits.Add(runner.LastLogits.ToArray());
            }
            for (int step = 0; step < stepLogits.Count; step++)
            {
                runner.Reset();
                runner.Forward(tokens.Take(tokens.Count - stepLogits.Count + step + 1).ToArray());
                var full = runner.LastLogits;
                var cached = stepLogits[step];
                float maxDiff = 0;
                for (int i = 0; i < full.Length; i++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(full[i] - cached[i]));
                }

                Assert.True(maxDiff < 1e-3f, $"step {step}: max |Δlogit| = {maxDiff}");
                Assert.Equal(Sampler.ArgMax(full), Sampler.ArgMax(cached));
            }
        }
    }

    [Fact]
    public void Decode_steps_allocate_no_tensors_once_positions_were_seen()
    {
        TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            int[] prompt = [Llama3SpecialTokens.BeginOfText, 1000, 2000, 3000];
            void Run()
            {
                runner.Reset();
                runner.Forward(prompt);
                for (int i = 0; i < 32; i++)
                {
                    runner.Forward([Sampler.ArgMax(runner.LastLogits)]);
                }
            }
            Run(); // first time: the [1,T] attention-mask views are created
            runner.Reset();
            runner.Forward(prompt);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 32; i++)
            {
                runner.Forward([Sampler.ArgMax(runner.LastLogits)]);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // The one managed allocation per step: ORT's C# BindInput converts the name "attention_mask" to a UTF-8 byte[] (40 B).
            // No OrtValue, no tensor buffer (either would be hundreds of bytes or the vocabulary's 500 kB of logits).
            Assert.True(allocated <= 32 * 48, $"32 decode steps allocated {allocated} managed bytes");
        }
    }

    [Fact]
    public void A_model_computing_only_the_last_positions_logits_generates_as_the_full_model_does()
    {
        _ = TinyModelFixture.Load(tiny.OnnxDirectory, out var rf);
        _ = TinyModelFixture.Load(tiny.LastLogitsDirectory, out var rl);
        using (rf)
        using (rl)
        {
            int[] prompt = [Llama3SpecialTokens.BeginOfText, 1000, 2000, 3000, 4000, 5000, 6000];
            var a = rf.Forward(prompt).ToArray();
            var b = rl.Forward(prompt).ToArray();
            for (int step = 0; ; step++)
            {
                float maxDiff = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i]));
                }

                Assert.True(maxDiff < 1e-3f, $"step {step}: logits differ by {maxDiff}");
                if (step == 8)
                {
                    break;
                }

                int next = Sampler.ArgMax(a);
                a = rf.Forward([next]).ToArray();
                b = rl.Forward([next]).ToArray();
            }
        }
    }

    [Fact]
    public async Task A_model_split_into_two_sessions_matches_the_single_file_model()
    {
        var single = TinyModelFixture.Load(tiny.OnnxDirectory, out var rs);
        var split = TinyModelFixture.Load(tiny.SplitDirectory, out var rp);
        using (rs)
        using (rp)
        {
            Assert.Equal(1, rs.Parts);
            Assert.Equal(2, rp.Parts);
            int[] prompt = [Llama3SpecialTokens.BeginOfText, 1000, 2000, 3000, 4000];
            rs.Forward(prompt);
            rp.Forward(prompt);
            for (int step = 0; step < 12; step++)
            {
                var a = rs.LastLogits.ToArray();
                var b = rp.LastLogits.ToArray();
                float maxDiff = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i]));
                }

                Assert.True(maxDiff < 1e-3f, $"step {step}: logits differ by {maxDiff}");
                int next = Sampler.ArgMax(a);
                rs.Forward([next]);
                rp.Forward([next]);
            }

            rs.Reset();
            rp.Reset();
            var x = await Generate(single, "The capital of France is", Greedy(16));
            var y = await Generate(split, "The capital of France is", Greedy(16));
            Assert.Equal(x.Tokens, y.Tokens);
        }
    }

    [Fact]
    public async Task Onnx_and_ort_formats_agree()
    {
        var a = TinyModelFixture.Load(tiny.OnnxDirectory, out var ra);
        var b = TinyModelFixture.Load(tiny.OrtDirectory, out var rb);
        using (ra)
        using (rb)
        {
            Assert.Equal(ModelFormat.Ort, rb.Config.Format);
            var x = await Generate(a, "Compare formats", Greedy(10));
            var y = await Generate(b, "Compare formats", Greedy(10));
            Assert.Equal(x.Tokens, y.Tokens);
        }
    }

    [Fact]
    public async Task Ort_format_without_mmap_reads_into_a_pinned_buffer_that_outlives_collections()
    {
        var mapped = TinyModelFixture.Load(tiny.OrtDirectory, out var rm, out var mappedInfo);
        Assert.True(mappedInfo.MemoryMapped);
        var read = TinyModelFixture.Load(tiny.OrtDirectory, out var rr, out var info, name => name == EnvVars.MemoryMapOrt ? "0" : null);
        Assert.False(info.MemoryMapped);
        Assert.Equal(info.BytesOnDisk, info.BytesRead);
        using (rm)
        using (rr)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var x = await Generate(mapped, "Pinned bytes", Greedy(8));
            var y = await Generate(read, "Pinned bytes", Greedy(8));
            Assert.Equal(x.Tokens, y.Tokens);
        }
    }

    [Fact]
    public async Task Stop_strings_end_generation_and_are_not_emitted()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var full = await Generate(g, "Tell me a story", Greedy(40));
            Assert.True(full.Text.Length >= 12, $"need some text to cut: '{full.Text}'");
            string stop = full.Text.Substring(full.Text.Length / 2, 3);
            int cut = full.Text.IndexOf(stop, StringComparison.Ordinal);

            var streamed = new List<string>();
            var stopped = await Generate(g, "Tell me a story", Greedy(40, stop, "\u0001never"), (t, _) => { streamed.Add(t); return ValueTask.CompletedTask; });
            Assert.Equal(FinishReasons.Stop, stopped.FinishReason);
            Assert.Equal(full.Text[..cut], stopped.Text);
            Assert.DoesNotContain(stop, stopped.Text);
            Assert.Equal(stopped.Text, string.Concat(streamed));
        }
    }

    [Fact]
    public async Task Streamed_pieces_concatenate_to_the_buffered_text()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var buffered = await Generate(g, "Stream this", Greedy(30));
            var pieces = new List<string>();
            var streamed = await Generate(g, "Stream this", Greedy(30), (t, _) => { pieces.Add(t); return ValueTask.CompletedTask; });
            Assert.Equal(buffered.Text, streamed.Text);
            Assert.Equal(buffered.Text, string.Concat(pieces));
            Assert.True(pieces.Count > 1, $"{streamed.CompletionTokens} tokens, {pieces.Count} pieces: '{streamed.Text}' ({streamed.FinishReason}) ids {string.Join(",", streamed.Tokens)}");
        }
    }

    [Fact]
    public async Task Max_tokens_and_context_limits_give_length()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var r = await Generate(g, "Count", new GenerationSettings(3, new SamplingSettings(1f, 0, 1f, 5), []));
            Assert.True(r.CompletionTokens <= 3);
            var ids = Enumerable.Repeat(1000, runner.ContextLength - 2).Prepend(Llama3SpecialTokens.BeginOfText).ToList();
            var full = await g.GenerateAsync(ids, new GenerationSettings(100, new SamplingSettings(1f, 0, 1f, 5), []), null, 0, default);
            Assert.True(full.CompletionTokens <= 2, $"{full.CompletionTokens}"); // the cache fills at C; the logits at C give one last token
            Assert.Throws<ArgumentException>(() => g.GenerateAsync(Enumerable.Repeat(1000, runner.ContextLength).ToList(), Greedy(1), null, 0, default).GetAwaiter().GetResult());
        }
    }

    [Fact]
    public async Task Cancellation_at_the_deadline_gives_timeout()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            using var cts = new CancellationTokenSource();
            int pieces = 0;
            var r = await Generate(g, "Go on", new GenerationSettings(400, new SamplingSettings(1f, 0, 1f, 1), []), (_, _) =>
            {
                if (++pieces == 3)
                {
                    cts.Cancel();
                }

                return ValueTask.CompletedTask;
            }, cts.Token);
            Assert.Equal(FinishReasons.Timeout, r.FinishReason);
            Assert.True(r.CompletionTokens < 400);
            // The runner still works after a cancelled generation.
            var after = await Generate(g, "Go on", Greedy(5));
            Assert.True(after.CompletionTokens > 0);
        }
    }

    [Fact]
    public void Tokenizer_round_trips_and_builds_the_llama3_chat_template()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            var t = g.Tokenizer;
            const string text = "Hello, world! Ünïcödé 日本語 and numbers 12345.";
            var ids = t.EncodePrompt(text);
            Assert.Equal(Llama3SpecialTokens.BeginOfText, ids[0]);
            Assert.Equal(text, t.Decode(ids));
            // User text never becomes special tokens.
            Assert.DoesNotContain(Llama3SpecialTokens.EndOfTurn, t.EncodePrompt("<|eot_id|>"));

            var chat = t.EncodeChat([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")]);
            Assert.Equal(Llama3SpecialTokens.BeginOfText, chat[0]);
            Assert.Equal(Llama3SpecialTokens.StartHeader, chat[1]);
            Assert.Equal(2, chat.Count(i => i == Llama3SpecialTokens.EndOfTurn));
            Assert.Equal(3, chat.Count(i => i == Llama3SpecialTokens.StartHeader));
            int lastHeader = chat.LastIndexOf(Llama3SpecialTokens.EndHeader);
            Assert.Equal("assistant", t.Decode(chat.Skip(chat.LastIndexOf(Llama3SpecialTokens.StartHeader) + 1).Take(lastHeader - chat.LastIndexOf(Llama3SpecialTokens.StartHeader) - 1).ToList()));
            Assert.Equal("\n\n", t.Decode(chat.Skip(lastHeader + 1).ToList()));
            var rendered = t.DecodeIncludingSpecialTokens(chat);
            Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", rendered);
        }
    }

    [Fact]
    public void Incremental_decoding_equals_whole_decoding_across_split_utf8()
    {
        var g = TinyModelFixture.Load(tiny.OnnxDirectory, out var runner);
        using (runner)
        {
            const string text = "naïve café — 日本語のテキスト 🦙🦙 emoji and ∑ math ≠ ascii";
            var ids = g.Tokenizer.EncodePrompt(text).Skip(1).ToList();
            var decoder = new IncrementalDecoder(g.Tokenizer);
            string last = "";
            bool sawPartial = false;
            for (int i = 0; i < ids.Count; i++)
            {
                last = decoder.Add(ids[i]);
                Assert.Equal(g.Tokenizer.Decode(ids.Take(i + 1).ToList()), last);
                sawPartial |= last.EndsWith('\uFFFD');
            }
            Assert.Equal(text, last);
            Assert.True(sawPartial, "expected at least one token boundary inside a multi-byte character");
        }
    }

    [Fact]
    public void Corrupt_tokenizer_is_an_init_error_naming_the_path()
    {
        var dir = TestPaths.NewTempDirectory("llama-badtok");
        try
        {
            foreach (var f in Directory.GetFiles(tiny.OnnxDirectory))
            {
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            }

            var tok = Path.Combine(dir, "tokenizer.model");
            File.WriteAllText(tok, "this is not base64!! 12\n@@@ x\n");
            var ex = Assert.Throws<ModelLoadException>(() => Llama3Tokenizer.Load(tok));
            Assert.Equal(ModelLoadFailure.Tokenizer, ex.Failure);
            Assert.Contains(tok, ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
