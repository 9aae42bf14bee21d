using LlamaAspire.InferenceFunction.Inference;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>Stop sequences in generated text: where one starts, and how much text is safe to emit while one may still be forming.</summary>
public sealed class StopSequenceTests
{
    [Theory]
    [InlineData("Hello END world", 0, 6)]
    [InlineData("Hello world", 0, -1)]
    [InlineData("abcSTOPdefEND", 0, 3)]
    public void Find_stop(string text, int from, int expected)
    {
        Assert.Equal(expected, Generator.FindStop(text, ["END", "STOP"], from));
    }

    [Theory]
    [InlineData("Hello EN", 0, 6)]      // "EN" may start "END": held back
    [InlineData("Hello E", 0, 6)]
    [InlineData("Hello X", 0, 7)]
    [InlineData("Hello \uFFFD", 0, 6)]  // incomplete UTF-8 held back
    [InlineData("Hello", 5, 5)]
    public void Safe_length(string text, int emitted, int expected)
    {
        Assert.Equal(expected, Generator.SafeLength(text, emitted, ["END"]));
    }
}
