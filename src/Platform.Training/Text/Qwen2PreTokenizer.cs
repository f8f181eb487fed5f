using System.Text;

namespace Platform.Training.Text;

/// <summary>
/// Hand-written equivalent of <see cref="TokenizerDefinition.Qwen2SplitPattern"/> with Oniguruma's leftmost-first semantics.
/// It works on code points, as Oniguruma does: .NET Regex sees surrogate halves, so it would split e.g. "𠀀" (Lo) differently.
/// </summary>
internal static class Qwen2PreTokenizer
{
    /// <summary>Length in UTF-16 units of the pre-token that starts at <paramref name="start"/>; every position starts one.</summary>
    public static int PieceLength(ReadOnlySpan<char> text, int start)
    {
        var c = RuneAt(text, start, out var width);

        if (c.Value == '\'' && ContractionLength(text[(start + 1)..]) is > 0 and var contraction)
            return 1 + contraction;

        if (Rune.IsLetter(c)) return LetterRunEnd(text, start) - start;
        if (c.Value is not ('\r' or '\n') && !Rune.IsNumber(c) && start + width < text.Length && Rune.IsLetter(RuneAt(text, start + width, out _)))
            return LetterRunEnd(text, start + width) - start;

        if (Rune.IsNumber(c)) return width;

        var symbolsStart = c.Value == ' ' && start + 1 < text.Length && IsSymbol(RuneAt(text, start + 1, out _)) ? start + 1
            : IsSymbol(c) ? start : -1;
        if (symbolsStart >= 0) return SymbolRunEnd(text, symbolsStart) - start;

        return WhitespaceLength(text, start);
    }

    /// <summary>(?i:'s|'t|'re|'ve|'m|'ll|'d) after the apostrophe; 0 when none matches.</summary>
    private static int ContractionLength(ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty) return 0;
        var first = Fold(rest[0]);
        var second = rest.Length > 1 ? Fold(rest[1]) : '\0';
        return first switch
        {
            's' or 't' or 'm' or 'd' => 1,
            'r' or 'v' when second == 'e' => 2,
            'l' when second == 'l' => 2,
            _ => 0,
        };
    }

    /// <summary>Simple case folding restricted to the letters of the contractions (U+017F LONG S folds to 's').</summary>
    private static char Fold(char c) => c switch
    {
        >= 'A' and <= 'Z' => (char)(c + 32),
        '\u017F' => 's',
        _ => c,
    };

    /// <summary>[\r\n] runs are whitespace; the rest is \s*[\r\n]+ | \s+(?!\S) | \s+ in that order.</summary>
    private static int WhitespaceLength(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        var lastNewline = -1;
        while (end < text.Length && Rune.IsWhiteSpace(RuneAt(text, end, out var width)))
        {
            if (text[end] is '\r' or '\n') lastNewline = end;
            end += width;
        }
        if (lastNewline >= 0) return lastNewline + 1 - start;
        if (end == text.Length || end - start == 1) return end - start;
        return end - 1 - start;
    }

    private static int LetterRunEnd(ReadOnlySpan<char> text, int index)
    {
        while (index < text.Length && Rune.IsLetter(RuneAt(text, index, out var width))) index += width;
        return index;
    }

    /// <summary>[^\s\p{L}\p{N}]+[\r\n]*</summary>
    private static int SymbolRunEnd(ReadOnlySpan<char> text, int index)
    {
        while (index < text.Length && IsSymbol(RuneAt(text, index, out var width))) index += width;
        while (index < text.Length && text[index] is '\r' or '\n') index++;
        return index;
    }

    private static bool IsSymbol(Rune r) => !Rune.IsWhiteSpace(r) && !Rune.IsLetter(r) && !Rune.IsNumber(r);

    /// <summary>The code point at <paramref name="index"/>; a lone surrogate reads as U+FFFD of width 1.</summary>
    private static Rune RuneAt(ReadOnlySpan<char> text, int index, out int width)
    {
        Rune.DecodeFromUtf16(text[index..], out var rune, out width);
        return rune;
    }
}
