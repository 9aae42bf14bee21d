using System.Globalization;
using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Llama;
using LlamaAspire.ModelBuilder.Onnx;

namespace LlamaAspire.ModelBuilder.Cli;

/// <summary>`inspect dir`: dims, parameter count, bytes on disk per file, ops used (read back from the .onnx), variant.</summary>
internal static class InspectCommand
{
    public static int Run(string[] args, TextWriter o)
    {
        var a = new CliArgs(args, new HashSet<string>(), new HashSet<string>());
        if (a.Positional.Count != 1)
        {
            throw new UsageException("inspect takes one argument: the model directory.");
        }

        var dir = Path.GetFullPath(a.Positional[0]);
        if (!Directory.Exists(dir))
        {
            throw new UsageException($"model directory {dir} does not exist.");
        }

        var m = BuiltModel.Load(dir);
        var d = m.Dims;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"model directory  {dir}");
        o.WriteLine($"preset           {m.Preset} (seed {m.Seed}, synthetic weights)");
        o.WriteLine(string.Create(c, $"dims             hidden {d.HiddenSize}, layers {d.Layers}, heads {d.Heads}, kv heads {d.KvHeads}, head dim {d.HeadDim}, intermediate {d.IntermediateSize}, vocab {d.VocabSize}"));
        o.WriteLine(string.Create(c, $"context length   {d.ContextLength} (KV cache: shared buffer, [1, {d.KvHeads}, {d.ContextLength}, {d.HeadDim}] per past/present)"));
        o.WriteLine(string.Create(c, $"parameters       {d.ParameterCount:N0} ({d.ParameterCount / 1e9:F3} B; embedding {(long)d.VocabSize * d.HiddenSize:N0}, tied LM head)"));
        o.WriteLine($"variant          format {(m.Format == ModelFormat.Ort ? "ort" : "onnx")}, optimized {Lower(m.Optimized)}, prepacked {Lower(m.Prepacked)}, external data {m.ExternalDataFile ?? "none"}, embedding {(d.Embedding == EmbeddingKind.Fp32 ? "fp32" : "int4")}");
        o.WriteLine($"load with        {m.OrtOptimizationLevel}{string.Concat(m.ConfigEntries.Select(kv => $", {kv.Key}={kv.Value}"))}");
        o.WriteLine("files");
        long total = 0;
        foreach (var f in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var length = new FileInfo(f).Length;
            total += length;
            o.WriteLine(string.Create(c, $"  {Path.GetFileName(f),-20} {length,15:N0} bytes"));
        }

        o.WriteLine(string.Create(c, $"  {"total",-20} {total,15:N0} bytes"));
        if (!File.Exists(m.ModelPath))
        {
            throw new UsageException($"model file {m.ModelPath} named in config.json is missing.");
        }

        if (m.ModelFile.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var summary = OnnxReader.Read(m.ModelPath);
            var stored = summary.Initializers.Sum(t => t.Dims.Aggregate(1L, (x, y) => x * y));
            o.WriteLine(string.Create(c, $"graph            ir {summary.IrVersion}, opsets {string.Join(", ", summary.Opsets.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{(kv.Key.Length == 0 ? "ai.onnx" : kv.Key)} {kv.Value}"))}"));
            o.WriteLine(string.Create(c, $"                 {summary.Inputs.Count} inputs, {summary.Outputs.Count} outputs, {summary.Initializers.Count} initializers ({stored:N0} stored elements, {summary.Initializers.Count(t => t.External)} external)"));
            o.WriteLine("ops");
            foreach (var (op, count) in summary.OpCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            {
                o.WriteLine(string.Create(c, $"  {op,-48} {count,5}"));
            }
        }
        else
        {
            o.WriteLine("ops              (ORT format: a FlatBuffer; inspect the .onnx variant for the op list)");
        }

        return CliApp.ExitOk;
    }

    private static string Lower(bool b) => b ? "true" : "false";
}
