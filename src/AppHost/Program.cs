using LlamaAspire.Hosting;
using Microsoft.Extensions.Configuration;

// The system diagram, as an AppHost:
//   ModelBuilder ──▶ models/{preset} (.onnx) and models/{preset}-ort (ORT format)
//   LambdaEmulator (Invoke API, function URLs, a Runtime API per environment)
//     ├─ llama-aot : Native AOT bootstrap + ORT-format model   (the optimised build)
//     └─ llama-jit : JIT bootstrap.dll   + .onnx model         (the vanilla build)
//   Playground ──OpenAI API (function URL /v1)──▶ llama-aot, llama-jit
//   Aspire dashboard ◀── OTLP from the emulator, every function environment and the playground
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

var jit = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-jit")
    .WithModel(onnxModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(4);

builder.AddProject<Projects.Playground>("playground")
    .WithReference(aot)
    .WithReference(jit)
    .WaitFor(lambda)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
