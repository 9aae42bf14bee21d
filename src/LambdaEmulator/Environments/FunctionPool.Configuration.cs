using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Configuration;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>An update is already being applied: Lambda answers 409 ResourceConflictException.</summary>
public sealed class UpdateInProgressException(string message) : Exception(message);

/// <summary>The caller's RevisionId is not the function's: Lambda answers 412 PreconditionFailedException.</summary>
public sealed class RevisionMismatchException(string message) : Exception(message);

/// <summary>
/// The function's configuration as the Lambda API changes it. An UpdateFunctionConfiguration swaps in a new settings object
/// and starts a revision <see cref="FunctionsApi.UpdateStatuses.InProgress"/>; environments hold the settings they were created
/// with, so the old ones are retired (idle ones now, busy ones after their invoke) and the next invoke cold-starts on the new
/// settings; the revision turns <see cref="FunctionsApi.UpdateStatuses.Successful"/> once no idle environment of the old one is left.
/// Reserved concurrency is a separate setting, as on Lambda: changing it retires nothing.
/// </summary>
public sealed partial class FunctionPool
{
    private FunctionOptions _options;
    private int? _reservedConcurrency;
    private FunctionRevision _revision;
    private readonly Lazy<FunctionCode> _code;

    /// <summary>The current settings (environments keep the ones they started with: <see cref="EnvironmentContext.Function"/>).</summary>
    public FunctionOptions Options => Volatile.Read(ref _options);

    /// <summary>The current revision: id, last modified, update status.</summary>
    public FunctionRevision Revision => Volatile.Read(ref _revision);

    /// <summary>Reserved concurrency, or null for none.</summary>
    public int? ReservedConcurrency
    {
        get
        {
            lock (Emulator.Lock)
            {
                return _reservedConcurrency;
            }
        }
    }

    /// <summary>The size and hash of the function's code file.</summary>
    public FunctionCode Code => _code.Value;

    /// <summary>Applies <paramref name="update"/> to a copy of the settings and starts retiring the environments of the old ones.</summary>
    public FunctionRevision UpdateConfiguration(Action<FunctionOptions> update, string? expectedRevisionId)
    {
        FunctionRevision revision;
        lock (Emulator.Lock)
        {
            if (expectedRevisionId is not null && expectedRevisionId != _revision.Id)
            {
                throw new RevisionMismatchException($"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
            }

            if (_revision.UpdateStatus == FunctionsApi.UpdateStatuses.InProgress)
            {
                throw new UpdateInProgressException($"The operation cannot be performed at this time. An update is in progress for resource: {Arn}");
            }

            var next = _options.Copy();
            update(next);
            _options = next;
            revision = _revision.Next();
            _revision = revision;
            foreach (var e in _environments.Where(e => e.Lifecycle.IsInUse))
            {
                e.RetireAfterInvoke = true;
            }
        }

        _ = CompleteUpdateAsync(revision);
        return revision;
    }

    private async Task CompleteUpdateAsync(FunctionRevision revision)
    {
        var current = Options;
        await ShutdownIdleWhereAsync(e => e.Context.Function != current).ConfigureAwait(false);
        await ProvisionAsync().ConfigureAwait(false); // provisioned environments on the new configuration
        lock (Emulator.Lock)
        {
            if (_revision == revision)
            {
                _revision = revision with { UpdateStatus = FunctionsApi.UpdateStatuses.Successful };
            }
        }
    }

    /// <summary>PutFunctionConcurrency (a number) and DeleteFunctionConcurrency (null).</summary>
    public void SetReservedConcurrency(int? reserved)
    {
        lock (Emulator.Lock)
        {
            _reservedConcurrency = reserved;
        }
    }
}
