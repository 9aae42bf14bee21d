using LlamaAspire.LambdaEmulator;

// SIGTERM (Aspire stopping the resource) runs the graceful shutdown: every execution environment gets SIGTERM,
// then SIGKILL after 2 s (Emulator.StopAsync), so no function process outlives the emulator.
var app = EmulatorApp.Build(args);
app.Run();
