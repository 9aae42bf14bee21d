using LlamaAspire.Hosting;
using LlamaAspire.LambdaContracts;
using Microsoft.Extensions.Configuration;

// The system diagram, as an AppHost:
//   ModelBuilder ──▶ models/{preset} (.onnx) and models/{preset}-prepacked-q4emb-last (the fastest load: ONNX Runtime's packed
//                    weights saved for this CPU, the int4 embedding tied to the LM head, the LM head on the last position only)
//   s3 (s3rver, a local S3) ◀── model uploaded once
//   LambdaEmulator (Invoke API, function URLs, a Runtime API per environment)
//     ├─ llama-aot     : Native AOT bootstrap + pre-packed model       (the optimised build; deployed without the packs)
//     ├─ llama-jit     : JIT bootstrap.dll   + .onnx model             (packaged with the function)
//     ├─ llama-snapstart : llama-jit with SnapStart: initialised ahead of traffic, a cold start restores it
//     └─ llama-vanilla : JIT bootstrap.dll   + .onnx model from S3 at init, 1,769 MB   (the vanilla build; needs Node.js)
//   Playground ──OpenAI API (function URL /v1)──▶ the functions; it also serves LoadGen's reports
//   LoadGen ──Invoke API, UpdateFunctionConfiguration──▶ the functions (dashboard commands: Burst, Cold-start sweep, Compare)
//   Aspire dashboard ◀── OTLP from the emulator, every function environment and the playground
var builder = DistributedApplication.CreateBuilder(args);
var preset = builder.Configuration["Model:Preset"] ?? "tiny";

var onnxModel = builder.AddLlamaModel("model", preset);
// The best variant of docs/benchmarks.md. Its packs are this CPU's, so the publish step deploys the graph without them.
var fastModel = builder.AddLlamaModel("model-prepacked", preset, int4Embedding: true, lastPositionLogits: true, prepack: true).WaitForCompletion(onnxModel);

var lambda = builder.AddLambdaEmulator("lambda", builder.Configuration.GetValue<int?>("Lambda:Port")); // a fixed port for LoadGen's --preset

var aot = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-aot")
    .WithModel(fastModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(4);
if (builder.Configuration.GetValue("Lambda:NativeAot", defaultValue: true))
{
    aot.WithNativeAot();
}

// What llama-aot deploys as (its publish step cross-builds arm64 on an x64 machine); the emulator runs this machine's build.
var architecture = builder.Configuration["Lambda:Architecture"] ?? "x86_64";
aot.WithArchitecture(architecture switch
{
    "x86_64" => LambdaArchitecture.X64,
    "arm64" => LambdaArchitecture.Arm64,
    _ => throw new InvalidOperationException($"Lambda:Architecture must be x86_64 or arm64 (got '{architecture}')."),
});

// What llama-jit deploys as: the same JIT assembly on Lambda's managed dotnet10 runtime.
var jit = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-jit")
    .WithModel(onnxModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(4)
    .WithManagedRuntime();

// The same, with SnapStart: the emulator initialises an environment ahead of traffic and holds it at restore/next, and a cold
// start restores it (REPORT: Restore Duration); deployed, SnapStart applies to the published version behind the alias.
var snapStart = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-snapstart")
    .WithModel(onnxModel)
    .WithMemorySize(10240)
    .WithTimeout(TimeSpan.FromSeconds(60))
    .WithReservedConcurrency(2)
    .WithManagedRuntime()
    .WithSnapStart();

var playground = builder.AddProject<Projects.Playground>("playground")
    .WithReference(aot)
    .WithReference(jit)
    .WithReference(snapStart)
    .WaitFor(lambda)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

lambda.AddLoadGen<Projects.LoadGen>("loadgen", aot)
    .WithReportsServedBy(playground);

if (S3rverBuilderExtensions.FindNode() is not null)
{
    var s3 = builder.AddS3rver("s3");
    var vanilla = lambda.AddLambdaFunction<Projects.InferenceFunction>("llama-vanilla")
        .WithModelFromS3(onnxModel, s3)
        .WithMemorySize((int)LambdaLimits.MbPerVcpu) // one vCPU: the memory size people start from
        .WithTimeout(TimeSpan.FromSeconds(60))
        .WithReservedConcurrency(2);
    playground.WithReference(vanilla);
}
else
{
    Console.Error.WriteLine("llama-vanilla (the model downloaded from S3 at init) is left out: it needs Node.js for s3rver, the local S3. Install Node.js 18 or later (e.g. apt-get install nodejs npm).");
}

builder.Build().Run();
