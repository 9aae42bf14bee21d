using System.Security.Cryptography;
using System.Text;

namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>
/// Creates or updates a stack the way the deploy step will: always through a change set whose changes are shown and
/// confirmed; an unchanged template and parameters (a hash tag on the stack) skipped; a stack left in
/// <c>ROLLBACK_COMPLETE</c> deleted and created again; <c>*_IN_PROGRESS</c> waited out; a failure reported with the
/// failing resource's reason.
/// </summary>
internal sealed class StackDeployer(
    CloudFormationClient client,
    Action<string> say,
    Func<IReadOnlyList<StackChange>, CancellationToken, Task<bool>> confirm,
    TimeSpan pollInterval)
{
    /// <summary>The stack tag holding the hash of the template and parameters it was last deployed with.</summary>
    public const string HashTag = "llamaaspire:deployment-sha256";

    /// <summary>Deploys; returns the stack as it ends, or throws <see cref="CloudFormationException"/> with the reason.</summary>
    public async Task<StackDescription> DeployAsync(string stackName, string templateBody, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var hash = Hash(templateBody, parameters);
        var stack = await SettledAsync(stackName, cancellationToken).ConfigureAwait(false);
        if (stack is { Status: "ROLLBACK_COMPLETE" })
        {
            say($"Stack {stackName} is in ROLLBACK_COMPLETE (its creation failed and cannot be updated): deleting it to create it again.");
            await client.DeleteStackAsync(stackName, cancellationToken).ConfigureAwait(false);
            stack = await SettledAsync(stackName, cancellationToken).ConfigureAwait(false);
        }

        if (stack is not null && stack.Tags.TryGetValue(HashTag, out var deployed) && deployed == hash)
        {
            say($"Stack {stackName} is unchanged (same template and parameters): nothing to deploy.");
            return stack;
        }

        var changeSetName = $"llamaaspire-{hash[..16]}";
        await client.CreateChangeSetAsync(stackName, changeSetName, templateBody, newStack: stack is null, parameters,
            new Dictionary<string, string> { [HashTag] = hash }, cancellationToken).ConfigureAwait(false);
        var changeSet = await client.DescribeChangeSetAsync(stackName, changeSetName, cancellationToken).ConfigureAwait(false);
        while (changeSet.Status is "CREATE_PENDING" or "CREATE_IN_PROGRESS")
        {
            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
            changeSet = await client.DescribeChangeSetAsync(stackName, changeSetName, cancellationToken).ConfigureAwait(false);
        }

        if (changeSet.Status == "FAILED")
        {
            if (stack is not null && changeSet.StatusReason.Contains("didn't contain changes", StringComparison.Ordinal))
            {
                say($"Stack {stackName} is unchanged: {changeSet.StatusReason}");
                return stack;
            }

            throw new CloudFormationException("ChangeSetFailed", $"Change set {changeSetName} failed: {changeSet.StatusReason}");
        }

        say($"Changes to stack {stackName}:\n{ChangeSetTable.Format(changeSet.Changes)}");
        if (!await confirm(changeSet.Changes, cancellationToken).ConfigureAwait(false))
        {
            throw new OperationCanceledException($"The change set {changeSetName} was not executed.");
        }

        // Earlier operations' events are not this deploy's progress.
        var seen = stack is null ? [] : (await client.DescribeStackEventsAsync(stackName, cancellationToken).ConfigureAwait(false)).Select(Key).ToHashSet();
        await client.ExecuteChangeSetAsync(stackName, changeSetName, cancellationToken).ConfigureAwait(false);
        var final = await SettledAsync(stackName, cancellationToken, seen).ConfigureAwait(false)
            ?? throw new CloudFormationException("StackGone", $"Stack {stackName} disappeared while deploying.");
        if (final.Status is not ("CREATE_COMPLETE" or "UPDATE_COMPLETE"))
        {
            var events = await client.DescribeStackEventsAsync(stackName, cancellationToken).ConfigureAwait(false);
            var cause = events.FirstOrDefault(e => e.Status.EndsWith("_FAILED", StringComparison.Ordinal) && e.Reason.Length > 0);
            throw new CloudFormationException("DeployFailed", cause is null
                ? $"Stack {stackName} ended in {final.Status}: {final.StatusReason}"
                : $"Stack {stackName} ended in {final.Status}: {cause.LogicalId} ({cause.ResourceType}) {cause.Status}: {cause.Reason}");
        }

        say($"Stack {stackName}: {final.Status}.");
        return final;
    }

    /// <summary>Deletes the stack and waits until it is gone; returns false when there was none. A stack CloudFormation
    /// cannot delete (<c>DELETE_FAILED</c>) throws with the failing resource's reason.</summary>
    public async Task<bool> DestroyAsync(string stackName, CancellationToken cancellationToken)
    {
        var stack = await SettledAsync(stackName, cancellationToken).ConfigureAwait(false);
        if (stack is null)
        {
            say($"Stack {stackName} does not exist: nothing to delete.");
            return false;
        }

        var seen = (await client.DescribeStackEventsAsync(stackName, cancellationToken).ConfigureAwait(false)).Select(Key).ToHashSet();
        await client.DeleteStackAsync(stackName, cancellationToken).ConfigureAwait(false);
        var left = await SettledAsync(stackName, cancellationToken, seen).ConfigureAwait(false);
        if (left is not null)
        {
            var events = await client.DescribeStackEventsAsync(stackName, cancellationToken).ConfigureAwait(false);
            var cause = events.FirstOrDefault(e => e.Status == "DELETE_FAILED" && e.LogicalId != stackName && e.Reason.Length > 0);
            throw new CloudFormationException("DeleteFailed", cause is null
                ? $"Stack {stackName} ended in {left.Status}: {left.StatusReason}"
                : $"Stack {stackName} ended in {left.Status}: {cause.LogicalId} ({cause.ResourceType}) {cause.Status}: {cause.Reason}");
        }

        say($"Stack {stackName}: deleted.");
        return true;
    }

    /// <summary>The stack once no operation is in progress on it, or null when there is none (or it was deleted). With
    /// <paramref name="seenEvents"/>, each new stack event is said while waiting: the operation's progress.</summary>
    private async Task<StackDescription?> SettledAsync(string stackName, CancellationToken cancellationToken, HashSet<string>? seenEvents = null)
    {
        while (true)
        {
            var stack = await client.DescribeStackAsync(stackName, cancellationToken).ConfigureAwait(false);
            if (seenEvents is not null && stack is not null && stack.Status != "DELETE_COMPLETE")
            {
                await SayNewEventsAsync(stackName, seenEvents, cancellationToken).ConfigureAwait(false);
            }

            if (stack is null || stack.Status == "DELETE_COMPLETE")
            {
                return null;
            }

            if (!stack.Status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal))
            {
                return stack;
            }

            say($"Stack {stackName} is {stack.Status}: waiting.");
            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SayNewEventsAsync(string stackName, HashSet<string> seen, CancellationToken cancellationToken)
    {
        var events = await client.DescribeStackEventsAsync(stackName, cancellationToken).ConfigureAwait(false);
        foreach (var e in events.Reverse().Where(e => seen.Add(Key(e))))
        {
            say(e.Reason.Length > 0
                ? $"{stackName}: {e.LogicalId} ({e.ResourceType}) {e.Status}: {e.Reason}"
                : $"{stackName}: {e.LogicalId} ({e.ResourceType}) {e.Status}");
        }
    }

    private static string Key(StackEvent e) => e.EventId.Length > 0 ? e.EventId : $"{e.LogicalId}\0{e.Status}\0{e.Reason}";

    private static string Hash(string templateBody, IReadOnlyDictionary<string, string> parameters)
    {
        var text = new StringBuilder(templateBody);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\0').Append(key).Append('=').Append(value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
