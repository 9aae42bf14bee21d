using System.Globalization;

namespace LlamaAspire.ModelBuilder.Cli;

/// <summary>A user error on the command line: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>`--name value` / `--flag` options and positional arguments, checked against a known set.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public CliArgs(IEnumerable<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                Positional.Add(a);
                continue;
            }

            string? inline = null;
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }

            if (flags.Contains(a))
            {
                _options[a] = inline;
            }
            else if (valueOptions.Contains(a))
            {
                if (inline is null && !e.MoveNext())
                {
                    throw new UsageException($"{a} needs a value.");
                }

                _options[a] = inline ?? e.Current;
            }
            else
            {
                throw new UsageException($"unknown option {a} (known: {string.Join(", ", valueOptions.Concat(flags).Order(StringComparer.Ordinal))}).");
            }
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public int? GetInt(string name, int min = 1)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min)
        {
            throw new UsageException($"{name} must be an integer ≥ {min}, got '{text}'.");
        }

        return v;
    }

    public ulong? GetULong(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new UsageException($"{name} must be a non-negative integer, got '{text}'.");
    }

    public string? GetChoice(string name, params string[] choices)
    {
        var v = Get(name);
        return v is null || choices.Contains(v, StringComparer.Ordinal)
            ? v
            : throw new UsageException($"{name} must be one of {string.Join(", ", choices)}, got '{v}'.");
    }
}
