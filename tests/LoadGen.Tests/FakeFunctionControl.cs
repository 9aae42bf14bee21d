using LlamaAspire.LoadGen.Control;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// A control plane in memory in front of the slow target: an update takes <see cref="UpdatePolls"/> reads to come into
/// effect, then recycles the target's environments and sets the memory its REPORT lines state. Every call is logged.
/// </summary>
public sealed class FakeFunctionControl(SlowTarget target, int memorySizeMb) : IFunctionControl
{
    private int _memory = memorySizeMb;
    private Dictionary<string, string> _environment = new(StringComparer.Ordinal) { ["MODEL_DIR"] = "/models/tiny" };
    private int _pollsLeft;

    public int UpdatePolls { get; init; } = 2;

    public List<string> Calls { get; } = [];

    public IReadOnlyDictionary<string, string> Environment => _environment;

    public Task<FunctionState> GetAsync(CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add("get");
            if (_pollsLeft > 0 && --_pollsLeft == 0)
            {
                target.MemorySizeMb = _memory;
                target.Recycle();
            }

            return Task.FromResult(new FunctionState(_memory, _environment, _pollsLeft == 0));
        }
    }

    public Task UpdateAsync(int? memorySizeMb, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add($"update {memorySizeMb?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {(environment is null ? "-" : string.Join(',', environment.Keys.Order(StringComparer.Ordinal)))}");
            _memory = memorySizeMb ?? _memory;
            _environment = environment is null ? _environment : new Dictionary<string, string>(environment, StringComparer.Ordinal);
            _pollsLeft = UpdatePolls;
        }

        return Task.CompletedTask;
    }
}
