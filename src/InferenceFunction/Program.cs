using LlamaAspire.InferenceFunction;
using LlamaAspire.LambdaRuntime;

var mainEntered = DateTimeOffset.UtcNow; // "runtime init" ends here; it starts at the OS's process start time

var options = new LambdaBootstrapOptions();
return await LambdaBootstrap.RunAsync(
    _ => FunctionInit.InitializeAsync(mainEntered, Environment.GetEnvironmentVariable, line => Console.Error.WriteLine(line), options.SnapshotHooks),
    options);
