using LlamaAspire.LoadGen.Commands;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The AWS target's options: what does not fit together is refused, by name, before any credentials are looked up.</summary>
public sealed class AwsTargetOptionsTests
{
    [Theory]
    [InlineData("--target must be emulator or aws", "run", "burst", "-f", "x", "--target", "lambda")]
    [InlineData("with --target aws use --endpoint-url", "run", "burst", "-f", "x", "--target", "aws", "-e", "http://127.0.0.1:5050")]
    [InlineData("are for --target aws", "run", "burst", "-f", "x", "--region", "eu-west-1")]
    [InlineData("are for --target aws", "cold", "-f", "x", "--url", "https://u.lambda-url.eu-west-1.on.aws/")]
    [InlineData("--method recycle is the emulator's", "cold", "-f", "x", "--target", "aws", "--method", "recycle")]
    [InlineData("--url is one function's URL", "compare", "--target", "aws", "--variant", "x", "--url", "https://u.lambda-url.eu-west-1.on.aws/")]
    [InlineData("--endpoint-url 'lambda.eu-west-1' is not an absolute http(s) URL", "tune", "-f", "x", "--target", "aws", "--endpoint-url", "lambda.eu-west-1")]
    [InlineData("the deployed function's name or ARN", "cold", "--target", "aws")]
    [InlineData("--function-url finds the URL that --url gives", "run", "burst", "-f", "x", "--target", "aws", "--function-url", "--url", "https://u.lambda-url.eu-west-1.on.aws/")]
    [InlineData("are for --target aws", "run", "burst", "-f", "x", "--function-url")]
    [InlineData("--preset starts a local AppHost", "compare", "--preset", "tiny", "-e", "http://127.0.0.1:5050")]
    [InlineData("--preset starts a local AppHost", "cold", "-f", "x", "--preset", "tiny", "--target", "aws")]
    public async Task Conflicting_or_malformed_options_are_refused_by_name(string message, params string[] args)
    {
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(args);

        Assert.NotEqual(0, exit);
        Assert.NotEqual(MeasuringCommand<RunSettings>.TargetUnusable, exit); // refused as arguments, not as an unusable target
        var text = string.Join(' ', console.Output.Split((char[])[' ', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)); // unwrapped
        Assert.Contains(message, text, StringComparison.Ordinal);
    }
}
