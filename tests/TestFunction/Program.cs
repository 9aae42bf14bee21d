using LlamaAspire.LambdaRuntime;
using LlamaAspire.TestFunction;

// A Lambda function with switchable behaviour for the emulator's lifecycle tests and overhead benchmark (see README.md);
// started with --hold-memory it is instead the memory-holding child of the "spawn" action.
if (args is [MemoryHolder.Argument, _])
{
    return MemoryHolder.Run(args);
}

var options = new LambdaBootstrapOptions();
TestSnapshotHooks.Register(options.SnapshotHooks); // they run only under AWS_LAMBDA_INITIALIZATION_TYPE=snap-start
return await LambdaBootstrap.RunAsync(TestHandler.InitializeAsync, options);
