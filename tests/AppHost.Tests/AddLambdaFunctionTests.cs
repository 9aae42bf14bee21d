using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.Hosting;
#pragma warning disable CS0618 // GetArgumentValuesAsync: the simplest way to read a resource's arguments in a model test.
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.AppHost.Tests;

/// <summary>The function resource on the application model: parent, annotations, the emulator's Contract 3 variables, commands.</summary>
public class AddLambdaFunctionTests
{
    [Fact]
    public void AddLambdaFunction_WithoutAnEmulator_AddsTheDefaultOneAsParent()
    {
        var builder = ModelTestHelpers.CreateBuilder();

        var function = builder.AddLambdaFunction<Projects.InferenceFunction>("llama");

        var emulator = Assert.Single(builder.Resources.OfType<LambdaEmulatorResource>());
        Assert.Equal("lambda", emulator.Name);
        Assert.Same(emulator, function.Resource.Parent);
        Assert.Same(emulator, ((IResourceWithParent)function.Resource).Parent);
        Assert.Contains(function.Resource, emulator.Functions);
        Assert.EndsWith("InferenceFunction.csproj", function.Resource.ProjectPath, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLambdaFunction_AttachesToTheEmulatorAlreadyAdded()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("my-lambda");

        var a = builder.AddLambdaFunction<Projects.InferenceFunction>("a");
        var b = emulator.AddLambdaFunction<TestFunctionProject>("b");

        Assert.Single(builder.Resources.OfType<LambdaEmulatorResource>());
        Assert.Same(emulator.Resource, a.Resource.Parent);
        Assert.Same(emulator.Resource, b.Resource.Parent);
        Assert.Equal(["a", "b"], emulator.Resource.Functions.Select(f => f.Name));
    }

    [Fact]
    public void Options_AreAnnotations_AndTheLastCallWins()
    {
        var builder = ModelTestHelpers.CreateBuilder();

        var function = builder.AddLambdaFunction<Projects.InferenceFunction>("llama")
            .WithMemorySize(1024).WithMemorySize(10240)
            .WithTimeout(TimeSpan.FromSeconds(30)).WithTimeout(TimeSpan.FromMinutes(2))
            .WithReservedConcurrency(2)
            .WithIdleTimeout(TimeSpan.FromMinutes(5))
            .WithSamplePayload("""{"prompt":"hi"}""");

        var r = function.Resource;
        Assert.Single(r.Annotations.OfType<LambdaMemorySizeAnnotation>());
        Assert.True(r.TryGetLastAnnotation<LambdaMemorySizeAnnotation>(out var memory));
        Assert.Equal(10240, memory.MegaBytes);
        Assert.True(r.TryGetLastAnnotation<LambdaTimeoutAnnotation>(out var timeout));
        Assert.Equal(TimeSpan.FromMinutes(2), timeout.Timeout);
        Assert.True(r.TryGetLastAnnotation<LambdaReservedConcurrencyAnnotation>(out var concurrency));
        Assert.Equal(2, concurrency.Limit);
        Assert.True(r.TryGetLastAnnotation<LambdaIdleTimeoutAnnotation>(out var idle));
        Assert.Equal(TimeSpan.FromMinutes(5), idle.IdleTimeout);
        Assert.True(r.TryGetLastAnnotation<LambdaSamplePayloadAnnotation>(out var sample));
        Assert.Equal("""{"prompt":"hi"}""", sample.Payload);
        Assert.True(r.TryGetLastAnnotation<LambdaBuildAnnotation>(out var build));
        Assert.Equal(LambdaBuildKind.Jit, build.Kind);
    }

    [Fact]
    public async Task Emulator_GetsContract3Variables_ForAJitFunction()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("lambda");
        emulator.AddLambdaFunction<Projects.InferenceFunction>("llama")
            .WithMemorySize(10240)
            .WithTimeout(TimeSpan.FromSeconds(60))
            .WithReservedConcurrency(4)
            .WithProvisionedConcurrency(2)
            .WithIdleTimeout(TimeSpan.FromSeconds(90))
            .WithEnvironment("GREETING", "hello")
            .WithEnvironment(context => context.EnvironmentVariables["FROM_CALLBACK"] = context.ExecutionContext.IsRunMode ? "run" : "publish");

        var env = await ModelTestHelpers.EnvironmentAsync(emulator.Resource);

        const string p = "Lambda__Functions__llama__";
        Assert.Equal("dotnet", env.Text(p + "Command"));
        var dll = env.Text(p + "Arguments__0");
        Assert.NotNull(dll);
        Assert.EndsWith(Path.Combine("InferenceFunction", "bin", "Debug", "net10.0", "bootstrap.dll"), dll, StringComparison.Ordinal);
        Assert.True(File.Exists(dll), $"the AppHost build did not leave the JIT build where the emulator is told to run it: {dll}");
        Assert.Equal(Path.GetDirectoryName(dll), env.Text(p + "WorkingDirectory"));
        Assert.Equal("10240", env.Text(p + "MemorySize"));
        Assert.Equal("60", env.Text(p + "Timeout"));
        Assert.Equal("4", env.Text(p + "ReservedConcurrency"));
        Assert.Equal("2", env.Text(p + "ProvisionedConcurrency"));
        Assert.Equal("90", env.Text(p + "IdleTimeout"));
        Assert.Equal("hello", env.Text(p + "Environment__GREETING"));
        Assert.Equal("run", env.Text(p + "Environment__FROM_CALLBACK"));
        Assert.Equal("llama", env.Text(p + "Environment__OTEL_SERVICE_NAME"));
    }

    [Fact]
    public async Task Emulator_GetsSnapStart_OnlyForAFunctionThatAsksForIt()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("lambda");
        emulator.AddLambdaFunction<TestFunctionProject>("snap").WithSnapStart();
        emulator.AddLambdaFunction<TestFunctionProject>("plain");

        var env = await ModelTestHelpers.EnvironmentAsync(emulator.Resource);

        Assert.Equal("true", env.Text("Lambda__Functions__snap__SnapStart"));
        Assert.False(env.ContainsKey("Lambda__Functions__plain__SnapStart"));
    }

    [Fact]
    public void AFunction_IsAConnectionString_ToItsOpenAiEndpoint()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("lambda");
        var model = builder.AddLlamaModel("model", "tiny");
        var withModel = emulator.AddLambdaFunction<Projects.InferenceFunction>("llama").WithModel(model);
        var without = emulator.AddLambdaFunction<Projects.InferenceFunction>("plain");

        Assert.Equal("Endpoint={lambda.bindings.http.url}/llama/url/v1;Key=local-function-url;Model=tiny",
            withModel.Resource.ConnectionStringExpression.ValueExpression);
        Assert.EndsWith(";Model=plain", without.Resource.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_PassesItsOtlpSettingsToFunctions_ButNotItsIdentity()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("lambda");
        emulator.AddLambdaFunction<TestFunctionProject>("fn");

        var env = await ModelTestHelpers.EnvironmentAsync(emulator.Resource);

        Assert.True(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Same(env["OTEL_EXPORTER_OTLP_ENDPOINT"], env["Lambda__Functions__fn__Environment__OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal(env.Text("OTEL_EXPORTER_OTLP_PROTOCOL"), env.Text("Lambda__Functions__fn__Environment__OTEL_EXPORTER_OTLP_PROTOCOL"));
        Assert.Equal("fn", env.Text("Lambda__Functions__fn__Environment__OTEL_SERVICE_NAME"));
        Assert.False(env.ContainsKey("Lambda__Functions__fn__Environment__OTEL_RESOURCE_ATTRIBUTES"));
        Assert.EndsWith("TestFunction.dll", env.Text("Lambda__Functions__fn__Arguments__0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNativeAot_AddsAPublishResource_TheFunctionWaitsFor_AndRunsThePublishedBootstrap()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var function = builder.AddLambdaFunction<Projects.InferenceFunction>("llama-aot").WithNativeAot().WithNativeAot();

        var publish = Assert.Single(builder.Resources.OfType<ExecutableResource>(), r => r.Name == "llama-aot-publish");
        Assert.Equal("dotnet", publish.Command);
        Assert.True(function.Resource.TryGetLastAnnotation<LambdaBuildAnnotation>(out var build));
        Assert.Equal(LambdaBuildKind.NativeAot, build.Kind);
        Assert.Same(publish, build.PublishResource);

        var args = await publish.GetArgumentValuesAsync();
        Assert.Equal("publish", args[0]);
        Assert.Contains("-r", args);
        Assert.Contains("linux-x64", args);
        Assert.Contains("Release", args);
        var artifacts = args[args.ToList().IndexOf("--artifacts-path") + 1];
        Assert.StartsWith(artifacts, build.PublishDirectory, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine("src", "InferenceFunction", "obj"), artifacts, StringComparison.Ordinal);

        var wait = Assert.Single(function.Resource.Annotations.OfType<WaitAnnotation>());
        Assert.Same(publish, wait.Resource);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);

        var env = await ModelTestHelpers.EnvironmentAsync(function.Resource.Parent);
        Assert.Equal(Path.Combine(build.PublishDirectory!, "bootstrap"), env.Text("Lambda__Functions__llama-aot__Command"));
        Assert.False(env.ContainsKey("Lambda__Functions__llama-aot__Arguments__0"));
    }

    [Fact]
    public async Task WithModel_SetsModelDir_AndWaitsForTheModelBuild()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var model = builder.AddLlamaModel("model", "tiny", "ort");
        var function = builder.AddLambdaFunction<Projects.InferenceFunction>("llama").WithModel(model);

        Assert.EndsWith(Path.Combine("models", "tiny-ort"), model.Resource.ModelDirectory, StringComparison.Ordinal);
        var args = await model.Resource.GetArgumentValuesAsync();
        Assert.Equal(["build", "--preset", "tiny", "--out", model.Resource.ModelDirectory, "--format", "ort", "--if-missing"], args);

        var wait = Assert.Single(function.Resource.Annotations.OfType<WaitAnnotation>());
        Assert.Same(model.Resource, wait.Resource);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);

        var env = await ModelTestHelpers.EnvironmentAsync(function.Resource.Parent);
        Assert.Equal(model.Resource.ModelDirectory, env.Text("Lambda__Functions__llama__Environment__MODEL_DIR"));
    }

    [Fact]
    public async Task AddLlamaModel_WithLastPositionLogits_BuildsThatVariantInADirectoryOfItsOwn()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var model = builder.AddLlamaModel("model", "tiny", "ort", lastPositionLogits: true);

        Assert.True(model.Resource.LastPositionLogits);
        Assert.EndsWith(Path.Combine("models", "tiny-ort-last"), model.Resource.ModelDirectory, StringComparison.Ordinal);
        var args = await model.Resource.GetArgumentValuesAsync();
        Assert.Equal(["build", "--preset", "tiny", "--out", model.Resource.ModelDirectory, "--format", "ort", "--prefill-logits", "last", "--if-missing"], args);
        Assert.Equal(args, model.Resource.BuildArguments); // what the publish step runs when the directory is missing
    }

    [Fact]
    public async Task AddLlamaModel_Prepacked_RunsTheFastVariantHere_AndDeploysTheSameGraphWithoutThePacks()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var model = builder.AddLlamaModel("model", "tiny", int4Embedding: true, lastPositionLogits: true, prepack: true);

        Assert.EndsWith(Path.Combine("models", "tiny-prepacked-q4emb-last"), model.Resource.ModelDirectory, StringComparison.Ordinal);
        Assert.Equal(["build", "--preset", "tiny", "--out", model.Resource.ModelDirectory, "--format", "onnx", "--embedding", "int4", "--prefill-logits", "last", "--prepack", "--if-missing"],
            await model.Resource.GetArgumentValuesAsync());

        // Packs are this CPU's and this ONNX Runtime's: the publish step builds and packages the graph optimised without them.
        Assert.Equal(model.Resource.ModelDirectory + "-portable", model.Resource.DeployedModelDirectory);
        Assert.Equal(["build", "--preset", "tiny", "--out", model.Resource.DeployedModelDirectory, "--format", "onnx", "--embedding", "int4", "--prefill-logits", "last", "--optimize", "--external-data", "--if-missing"],
            model.Resource.DeployedBuildArguments);

        var ort = builder.AddLlamaModel("model-ort", "tiny", "ort");
        Assert.Equal(ort.Resource.ModelDirectory, ort.Resource.DeployedModelDirectory); // nothing machine-specific to leave out
        var refused = Assert.Throws<ArgumentException>(() => builder.AddLlamaModel("packed-ort", "tiny", "ort", prepack: true));
        Assert.Contains("onnx format only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEmulator_TakesOverItsFunctionsWaits_BeforeStart()
    {
        // Built, not run: DCP's paths only have to be there.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DisableDashboard = true,
            Args = ["--DcpPublisher:CliPath=/bin/true", "--DcpPublisher:DashboardPath=/tmp"],
        });
        var model = builder.AddLlamaModel("model");
        var emulator = builder.AddLambdaEmulator();
        emulator.AddLambdaFunction<Projects.InferenceFunction>("a").WithModel(model);
        emulator.AddLambdaFunction<Projects.InferenceFunction>("b").WithModel(model);

        using var app = builder.Build();
        var appModel = app.Services.GetRequiredService<DistributedApplicationModel>();
        var eventing = app.Services.GetRequiredService<Aspire.Hosting.Eventing.IDistributedApplicationEventing>();
        await eventing.PublishAsync(new BeforeStartEvent(app.Services, appModel));

        var wait = Assert.Single(emulator.Resource.Annotations.OfType<WaitAnnotation>());
        Assert.Same(model.Resource, wait.Resource);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);
    }

    [Fact]
    public void Functions_HaveTheDashboardCommands()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var function = builder.AddLambdaFunction<Projects.InferenceFunction>("llama");

        var commands = function.Resource.Annotations.OfType<ResourceCommandAnnotation>().ToDictionary(c => c.Name, c => c.DisplayName);
        Assert.Equal("Force cold start", commands[LambdaFunctionBuilderExtensions.ForceColdStartCommand]);
        Assert.Equal("Invoke sample prompt", commands[LambdaFunctionBuilderExtensions.InvokeSampleCommand]);
        Assert.Equal("Shut down idle environments", commands[LambdaFunctionBuilderExtensions.ShutdownIdleCommand]);
    }

    [Fact]
    public void TheEmulator_IsAProjectResource_WithAnHttpEndpointAndAHealthCheck()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var emulator = builder.AddLambdaEmulator("lambda");

        Assert.IsAssignableFrom<ProjectResource>(emulator.Resource);
        Assert.EndsWith("LambdaEmulator.csproj", emulator.Resource.GetProjectMetadata().ProjectPath, StringComparison.Ordinal);
        var endpoint = Assert.Single(emulator.Resource.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
        Assert.Equal("http", endpoint.UriScheme);
        Assert.Contains(emulator.Resource.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
    }

    [Fact]
    public void ManagementApiView_BecomesLiveProperties()
    {
        EnvironmentView Env(string id, string state) => new(id, 1, state, 1, "127.0.0.1:1", DateTime.UtcNow, DateTime.UtcNow, 10, [0]);
        var config = new ConfigView("bootstrap", [], null, 10240, 30, null, 600, 5.789, Freeze: true);
        var view = new FunctionView("llama", "arn:aws:lambda:us-east-1:123456789012:function:llama", config,
            [Env("a", EnvironmentStateNames.Warm), Env("b", EnvironmentStateNames.Busy), Env("c", EnvironmentStateNames.Warm)],
            Invocations: 7, ColdStarts: 3, Errors: 0, Timeouts: 1, Throttles: 0);

        var properties = LambdaEmulatorMonitor.Describe(view).ToDictionary(p => p.Name, p => p.Value?.ToString());

        Assert.Equal("3: 1 busy, 2 warm", properties["lambda.environments"]);
        Assert.Equal("3", properties["lambda.coldStarts"]);
        Assert.Equal("7", properties["lambda.invocations"]);
        Assert.Equal("1", properties["lambda.timeouts"]);
        Assert.Equal("10240 MB (5.789 vCPU)", properties["lambda.memorySize"]);
        var idle = LambdaEmulatorMonitor.Describe(view with { Environments = [] });
        Assert.Equal("none (next invoke is cold)", idle.Single(p => p.Name == "lambda.environments").Value);
    }
}
