namespace Platform.Training.Text;

/// <summary>GPT-2's bytes_to_unicode: every byte gets a printable character so BPE vocabularies are plain strings.</summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Inverse of <see cref="ByteToChar"/>; -1 for characters outside the alphabet.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (var b = 0; b < 256; b++) inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }

    /// <summary>Appends the token's bytes; a token with any character outside the alphabet contributes its own UTF-8 (as HF's ByteLevel decoder does).</summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        foreach (var c in token)
        {
            if (c >= CharToByte.Length || CharToByte[c] < 0)
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (var c in token) bytes.Add((byte)CharToByte[c]);
    }
}
