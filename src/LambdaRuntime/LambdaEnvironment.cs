using System.Collections.Concurrent;

namespace LlamaAspire.LambdaRuntime;

/// <summary>Where the runtime reads and writes environment variables (the process by default; an in-memory one in tests).</summary>
public interface ILambdaEnvironment
{
    /// <summary>The variable's value, or <see langword="null"/> when it is not set.</summary>
    string? GetVariable(string name);

    /// <summary>Sets a variable; <see langword="null"/> removes it.</summary>
    void SetVariable(string name, string? value);
}

/// <summary>The process environment.</summary>
public sealed class ProcessEnvironment : ILambdaEnvironment
{
    /// <summary>The one process environment.</summary>
    public static ProcessEnvironment Instance { get; } = new();

    /// <inheritdoc />
    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    /// <inheritdoc />
    public void SetVariable(string name, string? value) => Environment.SetEnvironmentVariable(name, value);
}

/// <summary>An environment held in a dictionary, for tests and for hosting functions in-process.</summary>
public sealed class InMemoryLambdaEnvironment : ILambdaEnvironment
{
    private readonly ConcurrentDictionary<string, string> _variables = new(StringComparer.Ordinal);

    /// <summary>An empty environment.</summary>
    public InMemoryLambdaEnvironment()
    {
    }

    /// <summary>An environment with <paramref name="variables"/> set.</summary>
    public InMemoryLambdaEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (key, value) in variables)
        {
            _variables[key] = value;
        }
    }

    /// <summary>Every value each variable was given, in order (<see langword="null"/> for removals): lets tests see per-invoke updates.</summary>
    public ConcurrentQueue<KeyValuePair<string, string?>> History { get; } = new();

    /// <summary>The variables as they are now.</summary>
    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <inheritdoc />
    public string? GetVariable(string name) => _variables.TryGetValue(name, out var value) ? value : null;

    /// <inheritdoc />
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
