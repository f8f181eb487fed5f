using System.Text;

namespace Platform.Training.Text;

public sealed partial class Qwen3Tokenizer
{
    /// <summary>
    /// Appends the ids of <paramref name="text"/>; with <paramref name="tokenStarts"/>, also each token's first character.
    /// Positions are exact when the text outside added tokens is NFC; otherwise they index the normalized chunk.
    /// </summary>
    internal void Encode(string text, List<int> ids, List<int>? tokenStarts)
    {
        var position = 0;
        while (position < text.Length)
        {
            var match = _addedTokenMatcher.FindNext(text, position);
            var chunkEnd = match?.Index ?? text.Length;
            if (chunkEnd > position) EncodeChunk(text.AsSpan(position, chunkEnd - position), position, ids, tokenStarts);
            if (match is not { } found) break;
            var (index, token) = found;
            tokenStarts?.Add(index);
            ids.Add(token.Id);
            position = index + token.Content.Length;
        }
    }

    private void EncodeChunk(ReadOnlySpan<char> chunk, int offset, List<int> ids, List<int>? tokenStarts)
    {
        var normalized = Ascii.IsValid(chunk) ? chunk : Nfc(chunk);
        for (var position = 0; position < normalized.Length;)
        {
            var length = Qwen2PreTokenizer.PieceLength(normalized, position);
            var piece = normalized.Slice(position, length);
            var first = ids.Count;
            _bpe.Encode(piece, ids);
            if (tokenStarts is not null) AddTokenStarts(piece, offset + position, ids, first, tokenStarts);
            position += length;
        }
    }

    private static ReadOnlySpan<char> Nfc(ReadOnlySpan<char> chunk)
    {
        var text = chunk.ToString();
        return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
    }

    /// <summary>A token that starts inside a multi-byte character gets that character's index.</summary>
    private void AddTokenStarts(ReadOnlySpan<char> piece, int pieceOffset, List<int> ids, int first, List<int> tokenStarts)
    {
        var tokenByte = 0;
        var charIndex = 0;
        var charByte = 0;
        for (var t = first; t < ids.Count; t++)
        {
            while (charIndex < piece.Length)
            {
                Rune.DecodeFromUtf16(piece[charIndex..], out var rune, out var width);
                if (charByte + rune.Utf8SequenceLength > tokenByte) break;
                charByte += rune.Utf8SequenceLength;
                charIndex += width;
            }
            tokenStarts.Add(pieceOffset + charIndex);
            tokenByte += _tokenByteLengths[ids[t]];
        }
    }
}
