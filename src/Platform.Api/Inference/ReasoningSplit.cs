namespace Platform.Api.Inference;

/// <summary>
/// Qwen3's thinking output (as vLLM's qwen3 reasoning parser): with thinking on, a reply that opens with &lt;think&gt; has
/// its thoughts up to &lt;/think&gt; as reasoning_content and the rest as content. The split of a longer text always
/// extends the split of its prefix, so streamed deltas add up to the non-streamed answer.
/// </summary>
public static class ReasoningSplit
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    public static (string Reasoning, string Content) Split(string text, bool thinking)
    {
        if (!thinking) return ("", text);
        var trimmed = text.TrimStart();
        if (Open.StartsWith(trimmed, StringComparison.Ordinal)) return ("", "");         // not yet known
        if (!trimmed.StartsWith(Open, StringComparison.Ordinal)) return ("", trimmed);
        var body = trimmed[Open.Length..];
        var end = body.IndexOf(Close, StringComparison.Ordinal);
        return end < 0 ? (body.TrimStart(), "") : (body[..end].TrimStart(), body[(end + Close.Length)..].TrimStart());
    }
}
