using LlamaAspire.Hosting;
using Microsoft.Extensions.Configuration;

// src/AppHost/Program.cs's system as the distributed tests drive it (keep the two in step), plus test-fn: a function that
// echoes, sleeps, crashes and allocates on request, for the lifecycle and dashboard tests. The product AppHost has no test code.
var builder = DistributedApplication.CreateBuilder(args);
var preset = builder.Configuration["Model:Preset"] ?? "tiny";

var onnxModel = builder.AddLlamaModel("model", preset);
var ortModel = builder.AddLlamaModel("model-ort", preset, format: "ort").WaitForCompletion(onnxModel);

var lambda = builder.AddLambdaEmulator("lambda");

var aot = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-aot")
    .WithModel(ortModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(4);
if (builder.Configuration.GetValue("Lambda:NativeAot", defaultValue: true))
{
    aot.WithNativeAot();
}

lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-jit")
    .WithModel(onnxModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(4);

lambda.AddLambdaFunction<Projects.TestFunction>("test-fn")
    .WithTimeout(TimeSpan.FromSeconds(3))
    .WithReservedConcurrency(3)
    .WithSamplePayload("""{"action":"echo","text":"hello"}""");

builder.Build().Run();
