using LlamaAspire.LoadGen.Commands;
using Spectre.Console;

// Ctrl+C stops sending and cancels what is in flight; the command still prints (and writes) what it measured.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await LoadGenApp.Create(AnsiConsole.Console).RunAsync(args, stop.Token);
