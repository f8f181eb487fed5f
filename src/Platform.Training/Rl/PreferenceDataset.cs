using System.Text.Json;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Rl;

/// <summary>One prompt with a preferred and a non-preferred reply; loss weight only on the reply's tokens.</summary>
public sealed record PreferencePair(SftExample Chosen, SftExample Rejected);

/// <summary>
/// OpenAI's DPO JSONL, as the upload validator accepts it (DatasetKind.Preference):
/// <c>{"input":{"messages":[…ending with user]},"preferred_output":[{"role":"assistant",…}],"non_preferred_output":[…]}</c>.
/// Each side is the Qwen3 chat of prompt + reply, truncated to <c>maxLength</c> tokens.
/// </summary>
public static class PreferenceDataset
{
    public static List<PreferencePair> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default)
    {
        var pairs = new List<PreferencePair>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var prompt = Messages(root.GetProperty("input").GetProperty("messages"));
                pairs.Add(new PreferencePair(
                    Encode(tokenizer, prompt, Messages(root.GetProperty("preferred_output")), maxLength),
                    Encode(tokenizer, prompt, Messages(root.GetProperty("non_preferred_output")), maxLength)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a preference example ({e.Message})", e);
            }
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: no examples");
        return pairs;
    }

    /// <summary>The chat of <paramref name="prompt"/> then <paramref name="reply"/>, loss on the reply's assistant tokens only.</summary>
    public static SftExample Encode(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatMessage> prompt, IReadOnlyList<ChatMessage> reply, int maxLength)
    {
        if (reply.Count == 0 || reply.Any(m => m.Role != "assistant")) throw new FormatException("a reply must be assistant messages");
        var turns = prompt.Select(m => (m, 0)).Concat(reply.Select(m => (m, 1))).ToList();
        return ChatSftDataset.Encode(tokenizer, turns, maxLength);
    }

    private static List<ChatMessage> Messages(JsonElement array) => array.EnumerateArray().Select(ChatMessage.FromJson).ToList();
}
