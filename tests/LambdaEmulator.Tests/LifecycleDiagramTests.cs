using System.Text.RegularExpressions;
using LlamaAspire.LambdaEmulator.Environments;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The README's state diagram is the code's transition table, and the table refuses what it does not list.</summary>
public sealed partial class LifecycleDiagramTests
{
    [GeneratedRegex(@"^\s+(\w+) --> (\w+) : (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Transition();

    [Fact]
    public void The_READMEs_diagram_lists_exactly_the_transitions_of_EnvironmentLifecycle()
    {
        var readme = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "src", "LambdaEmulator", "README.md"));
        var diagram = readme[readme.IndexOf("stateDiagram-v2", StringComparison.Ordinal)..];
        diagram = diagram[..diagram.IndexOf("```", StringComparison.Ordinal)];

        var drawn = Transition().Matches(diagram).Select(m => $"{m.Groups[1].Value} --{m.Groups[3].Value}--> {m.Groups[2].Value}").Order().ToList();
        var coded = EnvironmentLifecycle.Table.Select(t => $"{t.From} --{t.Trigger}--> {t.To}").Order().ToList();

        Assert.Equal(coded, drawn);
    }

    [Fact]
    public void A_transition_the_table_does_not_list_throws_and_leaves_the_state_alone()
    {
        var lifecycle = new EnvironmentLifecycle(new Lock());
        Assert.Equal(EnvironmentState.Initializing, lifecycle.State);

        var error = Assert.Throws<InvalidOperationException>(() => lifecycle.Fire(EnvironmentTrigger.InvokeEnded));
        Assert.Contains("InvokeEnded is not allowed in state Initializing", error.Message, StringComparison.Ordinal);
        Assert.Equal(EnvironmentState.Initializing, lifecycle.State);

        Assert.Equal(EnvironmentState.Busy, lifecycle.Fire(EnvironmentTrigger.InitSucceeded));
        Assert.True(lifecycle.IsInUse);
        Assert.False(lifecycle.TryFire(EnvironmentTrigger.Reserve));
        Assert.Equal(EnvironmentState.Idle, lifecycle.Fire(EnvironmentTrigger.InvokeEnded));
        Assert.Equal(EnvironmentState.Frozen, lifecycle.Fire(EnvironmentTrigger.Freeze));
        Assert.Equal(EnvironmentState.Busy, lifecycle.Fire(EnvironmentTrigger.Reserve));
        Assert.Equal(EnvironmentState.Dead, lifecycle.Fire(EnvironmentTrigger.ProcessExited));
        Assert.False(lifecycle.TryFire(EnvironmentTrigger.Shutdown, out var from));
        Assert.Equal(EnvironmentState.Dead, from);
    }

    [Fact]
    public void SnapStart_init_ends_held_and_a_restore_counts_as_in_use_until_the_invoke_is_delivered()
    {
        var lifecycle = new EnvironmentLifecycle(new Lock());
        Assert.Equal(EnvironmentState.Snapshotted, lifecycle.Fire(EnvironmentTrigger.InitSnapshotted));
        Assert.False(lifecycle.IsInUse); // held: nobody's concurrency
        Assert.False(lifecycle.IsIdle);  // and not a warm environment an invoke may reserve
        Assert.False(lifecycle.TryFire(EnvironmentTrigger.Reserve));
        Assert.Equal(EnvironmentState.Restoring, lifecycle.Fire(EnvironmentTrigger.Restore));
        Assert.True(lifecycle.IsInUse);
        Assert.False(lifecycle.TryFire(EnvironmentTrigger.Restore));
        Assert.Equal(EnvironmentState.Busy, lifecycle.Fire(EnvironmentTrigger.Restored));
        Assert.Equal(EnvironmentState.Idle, lifecycle.Fire(EnvironmentTrigger.InvokeEnded));
    }
}
