namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Entry point for `dotnet run --project tests/LambdaEmulator.Tests -- bench [iterations]` (the tests run via `dotnet test`).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench")
        {
            return await Benchmark.RunAsync(args.Skip(1).ToArray());
        }

        Console.Error.WriteLine("Usage: dotnet run --project tests/LambdaEmulator.Tests -c Release -- bench [iterations] [concurrency]");
        return 2;
    }
}
