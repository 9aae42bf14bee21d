namespace LlamaAspire.LambdaContracts;

/// <summary>A function ARN: <c>arn:{partition}:lambda:{region}:{account}:function:{name}[:{qualifier}]</c>.</summary>
public sealed record FunctionArn(string Partition, string Region, string AccountId, string FunctionName, string? Qualifier = null)
{
    /// <summary>The ARN of an unqualified function in the <c>aws</c> partition.</summary>
    public static FunctionArn For(string region, string accountId, string functionName) => new("aws", region, accountId, functionName);

    /// <summary>The same function with a version or alias.</summary>
    public FunctionArn WithQualifier(string? qualifier) => this with { Qualifier = qualifier };

    /// <inheritdoc />
    public override string ToString() =>
        $"arn:{Partition}:lambda:{Region}:{AccountId}:function:{FunctionName}{(Qualifier is null ? "" : ":" + Qualifier)}";

    /// <summary>Parses a function ARN; false for anything else (a plain name is not an ARN).</summary>
    public static bool TryParse(string? value, out FunctionArn? arn)
    {
        arn = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var parts = value.Split(':');
        if (parts.Length is not (7 or 8) || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function"
            || parts[1].Length == 0 || parts[3].Length == 0 || parts[4].Length == 0 || parts[6].Length == 0)
        {
            return false;
        }

        arn = new FunctionArn(parts[1], parts[3], parts[4], parts[6], parts.Length == 8 && parts[7].Length > 0 ? parts[7] : null);
        return true;
    }

    /// <summary>The function name from what the Invoke API accepts as <c>FunctionName</c>: a name, <c>name:qualifier</c>,
    /// <c>{account}:function:{name}</c> or a full ARN.</summary>
    public static string NameOf(string functionNameOrArn)
    {
        ArgumentNullException.ThrowIfNull(functionNameOrArn);
        if (TryParse(functionNameOrArn, out var arn))
        {
            return arn!.FunctionName;
        }

        var parts = functionNameOrArn.Split(':');
        return parts.Length >= 3 && parts[1] == "function" ? parts[2] : parts[0];
    }
}
