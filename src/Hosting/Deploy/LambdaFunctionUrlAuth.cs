namespace LlamaAspire.Hosting;

/// <summary>Who may call a deployed function's URL (<c>AWS::Lambda::Url.AuthType</c>).</summary>
public enum LambdaFunctionUrlAuth
{
    /// <summary><c>AWS_IAM</c> (the default): callers sign with SigV4 and need <c>lambda:InvokeFunctionUrl</c>.</summary>
    AwsIam,

    /// <summary><c>NONE</c>: anyone on the internet may invoke it — and every invoke is billed to you.</summary>
    None,
}
