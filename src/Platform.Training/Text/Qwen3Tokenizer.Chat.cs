using System.Text;

namespace Platform.Training.Text;

public sealed partial class Qwen3Tokenizer
{
    /// <summary>Renders with <see cref="ChatTemplate"/> and tokenizes; the ids equal <c>Encode(ChatTemplate.Render(...))</c>.</summary>
    public ChatTokens EncodeChat(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false, bool enableThinking = true,
        IReadOnlyList<string>? tools = null) =>
        EncodeChat(ChatTemplate.RenderSegments(messages, addGenerationPrompt, enableThinking, tools));

    /// <summary>
    /// Tokenizes the whole text at once, so ids match plain encoding; a token belongs to the segment its first character is in.
    /// Segments are NFC-normalized first (outside added tokens) so character positions survive normalization.
    /// </summary>
    public ChatTokens EncodeChat(IReadOnlyList<ChatSegment> segments)
    {
        var text = new StringBuilder();
        var segmentEnds = new int[segments.Count];
        for (var s = 0; s < segments.Count; s++)
        {
            text.Append(NormalizeOutsideAddedTokens(segments[s].Text));
            segmentEnds[s] = text.Length;
        }

        var ids = new List<int>();
        var starts = new List<int>();
        Encode(text.ToString(), ids, starts);

        var owners = new int[ids.Count];
        var segment = 0;
        for (var t = 0; t < ids.Count; t++)
        {
            while (segmentEnds[segment] <= starts[t]) segment++;
            owners[t] = segments[segment].AssistantMessageIndex ?? -1;
        }
        return new ChatTokens([.. ids], owners);
    }

    private string NormalizeOutsideAddedTokens(string text)
    {
        if (Ascii.IsValid(text)) return text;
        var normalized = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var match = _addedTokenMatcher.FindNext(text, position);
            var chunkEnd = match?.Index ?? text.Length;
            normalized.Append(text.AsSpan(position, chunkEnd - position).ToString().Normalize(NormalizationForm.FormC));
            if (match is not { } found) break;
            var (index, token) = found;
            normalized.Append(token.Content);
            position = index + token.Content.Length;
        }
        return normalized.ToString();
    }
}
