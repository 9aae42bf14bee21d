namespace LlamaAspire.LambdaContracts;

/// <summary>The <c>errorType</c> values the platform (not the function's code) reports.</summary>
public static class LambdaErrorTypes
{
    /// <summary>The invoke (or a suppressed init) ran past the function timeout.</summary>
    public const string Timeout = "Sandbox.Timedout";

    /// <summary>The runtime process exited during an invoke or init.</summary>
    public const string ExitError = "Runtime.ExitError";

    /// <summary>The environment ran out of memory.</summary>
    public const string OutOfMemory = "Runtime.OutOfMemory";

    /// <summary>The runtime's command could not be started.</summary>
    public const string InvalidEntrypoint = "Runtime.InvalidEntrypoint";

    /// <summary>A function error without a type.</summary>
    public const string Unknown = "Runtime.Unknown";

    /// <summary>The response passed <see cref="LambdaLimits.MaxBufferedResponseBytes"/> (or the streamed limit).</summary>
    public const string ResponseSizeTooLarge = "Function.ResponseSizeTooLarge";

    /// <summary>Generic error type of a function exception that names none.</summary>
    public const string FunctionError = "Function.Error";

    /// <summary>SnapStart: a before-snapshot hook failed; reported to <c>/runtime/init/error</c> (the init fails).</summary>
    public const string BeforeSnapshotError = "Runtime.BeforeSnapshotError";

    /// <summary>SnapStart: an after-restore hook failed; reported to <c>/runtime/restore/error</c> (the restore fails).</summary>
    public const string AfterRestoreError = "Runtime.AfterRestoreError";
}
