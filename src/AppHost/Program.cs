using LlamaAspire.Hosting;
using Microsoft.Extensions.Configuration;

// The system diagram, as an AppHost:
//   ModelBuilder ──▶ models/{preset} (.onnx) and models/{preset}-ort (ORT format)
//   LambdaEmulator (Invoke API, function URLs, a Runtime API per environment)
//     ├─ llama-aot : Native AOT bootstrap + ORT-format model   (the optimised build)
//     └─ llama-jit : JIT bootstrap.dll   + .onnx model         (the vanilla build)
//   Aspire dashboard ◀── OTLP from the emulator and every function environment
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

builder.Build().Run();
