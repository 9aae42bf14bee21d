using System.Text;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>The lines logged during one invoke (and the init it triggered), kept only when the caller asked for the tail.</summary>
internal sealed class InvokeLog(bool enabled)
{
    private readonly StringBuilder _text = new();

    public void Append(string line)
    {
        if (!enabled)
        {
            return;
        }

        lock (_text)
        {
            _text.Append(line).Append('\n');
        }
    }

    /// <summary>Base64 of the last 4 KB, as <c>X-Amz-Log-Result</c> carries it.</summary>
    public string Tail()
    {
        byte[] bytes;
        lock (_text)
        {
            bytes = Encoding.UTF8.GetBytes(_text.ToString());
        }

        var max = LambdaLimits.LogTailBytes;
        return Convert.ToBase64String(bytes.Length <= max ? bytes : bytes.AsSpan(bytes.Length - max));
    }
}
