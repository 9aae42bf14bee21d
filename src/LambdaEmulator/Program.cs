using LlamaAspire.LambdaEmulator;

var app = EmulatorApp.Build(args);
app.Run();
