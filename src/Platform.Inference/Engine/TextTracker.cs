using Platform.Training.Text;

namespace Platform.Inference.Engine;

/// <summary>
/// Turns a sequence's tokens into text deltas that never need taking back: a trailing U+FFFD (a UTF-8 character split
/// across tokens) and any tail that could still become a stop string are held until resolved; a completed stop string
/// ends the text just before it.
/// </summary>
internal sealed class TextTracker(Qwen3Tokenizer tokenizer, IReadOnlyList<string> stops)
{
    private readonly List<int> tokens = [];
    private int emitted;

    public string Text { get; private set; } = "";

    /// <summary>Adds a token; returns the new safe text and whether a stop string was completed.</summary>
    public (string Delta, bool Stopped) Add(int token)
    {
        tokens.Add(token);
        var text = tokenizer.Decode(tokens, skipSpecialTokens: true);
        var stopped = false;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, Math.Min(emitted, text.Length), StringComparison.Ordinal);
            if (at < 0) continue;
            text = text[..at];
            stopped = true;
        }
        Text = text;
        return (Take(stopped ? text.Length : SafeLength(text)), stopped);
    }

    /// <summary>Everything not yet returned (at the end of generation).</summary>
    public string Flush() => Take(Text.Length);

    private string Take(int safe)
    {
        if (safe <= emitted) return "";
        var delta = Text[emitted..safe];
        emitted = safe;
        return delta;
    }

    private int SafeLength(string text)
    {
        var safe = text.Length;
        while (safe > emitted && text[safe - 1] == '\uFFFD') safe--;
        foreach (var stop in stops)
            for (var k = Math.Min(stop.Length - 1, safe - emitted); k > 0; k--)
                if (string.CompareOrdinal(text, safe - k, stop, 0, k) == 0)
                {
                    safe -= k;
                    break;
                }
        return safe;
    }
}
