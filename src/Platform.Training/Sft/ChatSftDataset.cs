using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Sft;

/// <summary>
/// Chat JSONL (<c>{"messages":[{"role","content","weight"?}]}</c> per line) → SFT examples: the Qwen3 chat template,
/// loss on assistant output only (content and its closing &lt;|im_end|&gt;), none on turns with weight 0,
/// truncated to <c>maxLength</c> tokens. <see cref="LossScale.IgnoreEmptyThink"/> also takes an empty
/// <c>&lt;think&gt;\n\n&lt;/think&gt;\n\n</c> block out of the loss, as ms-swift's <c>--loss_scale ignore_empty_think</c>.
/// </summary>
public static class ChatSftDataset
{
    private const string EmptyThink = "<think>\n\n</think>\n\n";

    public static List<SftExample> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default) =>
        Load(path, tokenizer, maxLength, LossScale.Default, cancellationToken);

    public static List<SftExample> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, LossScale lossScale,
        CancellationToken cancellationToken = default)
    {
        var examples = new List<SftExample>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var turns = doc.RootElement.GetProperty("messages").EnumerateArray()
                    .Select(m => (Message: ChatMessage.FromJson(m),
                                  Weight: m.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))
                    .ToList();
                examples.Add(Encode(tokenizer, turns, maxLength, lossScale));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a chat example ({e.Message})", e);
            }
        }
        if (examples.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: no examples");
        return examples;
    }

    public static SftExample Encode(Qwen3Tokenizer tokenizer, IReadOnlyList<(ChatMessage Message, int Weight)> turns, int maxLength,
        LossScale lossScale = LossScale.Default)
    {
        var tokens = tokenizer.EncodeChat(turns.Select(t => t.Message).ToList());
        var length = Math.Min(tokens.Ids.Length, maxLength);
        var weights = new float[length];
        for (var i = 0; i < length; i++)
        {
            var owner = tokens.AssistantMessageIndex[i];
            weights[i] = owner >= 0 && turns[owner].Weight != 0 ? 1f : 0f;
        }
        if (lossScale == LossScale.IgnoreEmptyThink) MaskEmptyThink(tokenizer.Encode(EmptyThink), tokens.Ids.AsSpan(0, length), weights);
        return new SftExample(tokens.Ids[..length], weights);
    }

    /// <summary>Zeroes the weights of every occurrence of <paramref name="block"/> that lies in trained (assistant) tokens.</summary>
    private static void MaskEmptyThink(int[] block, ReadOnlySpan<int> ids, float[] weights)
    {
        for (var i = ids.IndexOf(block); i >= 0 && i + block.Length <= ids.Length;)
        {
            if (weights[i] > 0) Array.Clear(weights, i, block.Length);
            var next = ids[(i + 1)..].IndexOf(block);
            i = next < 0 ? -1 : i + 1 + next;
        }
    }
}

/// <summary>Which assistant tokens carry loss (ms-swift's --loss_scale names).</summary>
public enum LossScale
{
    /// <summary>Every assistant token.</summary>
    Default,
    /// <summary>Every assistant token except an empty think block.</summary>
    IgnoreEmptyThink,
}
