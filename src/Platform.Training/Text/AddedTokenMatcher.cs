using System.Buffers;

namespace Platform.Training.Text;

/// <summary>Finds added tokens in raw text, leftmost-longest, as HF's AddedVocabulary does before normalization.</summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<char> _firstChars;
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    /// <summary>The next added token at or after <paramref name="start"/>, or null.</summary>
    public (int Index, AddedToken Token)? FindNext(ReadOnlySpan<char> text, int start)
    {
        for (var index = start; index < text.Length; index++)
        {
            var offset = text[index..].IndexOfAny(_firstChars);
            if (offset < 0) return null;
            index += offset;
            foreach (var token in _byFirstChar[text[index]])
                if (text[index..].StartsWith(token.Content, StringComparison.Ordinal))
                    return (index, token);
        }
        return null;
    }
}
