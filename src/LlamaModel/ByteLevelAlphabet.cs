namespace LlamaAspire.LlamaModel;

/// <summary>
/// GPT-2's bytes_to_unicode, which Hugging Face byte-level BPE files use to spell token bytes as text: printable Latin-1
/// bytes stand for themselves, the other 68 map to U+0100 upwards in byte order.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] s_charOfByte = Build();
    private static readonly Dictionary<char, byte> s_byteOfChar = s_charOfByte.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    /// <summary>The character that spells <paramref name="b"/>.</summary>
    public static char CharOf(byte b) => s_charOfByte[b];

    /// <summary>The byte <paramref name="c"/> spells, if it is one of the 256 characters.</summary>
    public static bool TryByteOf(char c, out byte b) => s_byteOfChar.TryGetValue(c, out b);

    /// <summary>The text that spells <paramref name="bytes"/>.</summary>
    public static string Spell(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = s_charOfByte[bytes[i]];
        }

        return new string(chars);
    }

    private static char[] Build()
    {
        var map = new char[256];
        var unprintable = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + unprintable++);
        }

        return map;
    }
}
