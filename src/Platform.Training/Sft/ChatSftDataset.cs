using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Sft;

/// <summary>
/// Chat JSONL (<c>{"messages":[{"role","content","weight"?}]}</c> per line) → SFT examples: the Qwen3 chat template,
/// loss on assistant output only (content and its closing &lt;|im_end|&gt;), none on turns with weight 0,
/// truncated to <c>maxLength</c> tokens.
/// </summary>
public static class ChatSftDataset
{
    public static List<SftExample> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default)
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
                    .Select(m => (Message: new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString() ?? ""),
                                  Weight: m.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))
                    .ToList();
                examples.Add(Encode(tokenizer, turns, maxLength));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a chat example ({e.Message})", e);
            }
        }
        if (examples.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: no examples");
        return examples;
    }

    public static SftExample Encode(Qwen3Tokenizer tokenizer, IReadOnlyList<(ChatMessage Message, int Weight)> turns, int maxLength)
    {
        var tokens = tokenizer.EncodeChat(turns.Select(t => t.Message).ToList());
        var length = Math.Min(tokens.Ids.Length, maxLength);
        var weights = new float[length];
        for (var i = 0; i < length; i++)
        {
            var owner = tokens.AssistantMessageIndex[i];
            weights[i] = owner >= 0 && turns[owner].Weight != 0 ? 1f : 0f;
        }
        return new SftExample(tokens.Ids[..length], weights);
    }
}
