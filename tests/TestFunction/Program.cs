using LlamaAspire.LambdaRuntime;
using LlamaAspire.TestFunction;

// A Lambda function with switchable behaviour for the emulator's lifecycle tests and overhead benchmark (see README.md).
return await LambdaBootstrap.RunAsync(TestHandler.InitializeAsync);
