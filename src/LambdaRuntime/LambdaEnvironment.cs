using System.Collections.Concurrent;

namespace LlamaAspire.LambdaRuntime;

/// <summary>Where the runtime reads and writes environment variables (the process by default; an in-memory one in tests).</summary>
public interface ILambdaEnvironment
{
    string? GetVariable(string name);

    /// <summary>Sets a variable; <see langword="null"/> removes it.</summary>
    void SetVariable(string name, string? value);
}

/// <summary>The process environment.</summary>
public sealed class ProcessEnvironment : ILambdaEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public void SetVariable(string name, string? value) => Environment.SetEnvironmentVariable(name, value);
}

/// <summary>An environment held in a dictionary, for tests and for hosting functions in-process.</summary>
public sealed class InMemoryLambdaEnvironment : ILambdaEnvironment
{
    private readonly ConcurrentDictionary<string, string> _variables = new(StringComparer.Ordinal);

    public InMemoryLambdaEnvironment()
    {
    }

    public InMemoryLambdaEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (key, value) in variables)
        {
            _variables[key] = value;
        }
    }

    /// <summary>Every value each variable was given, in order (<see langword="null"/> for removals): lets tests see per-invoke updates.</summary>
    public ConcurrentQueue<KeyValuePair<string, string?>> History { get; } = new();

    public IReadOnlyDictionary<string, string> Variables => _variables;

    public string? GetVariable(string name) => _variables.TryGetValue(name, out var value) ? value : null;

    public void SetVariable(string name, string? value)
    {
        if (value is null)
        {
            _variables.TryRemove(name, out _);
        }
        else
        {
            _variables[name] = value;
        }

        History.Enqueue(new(name, value));
    }
}
