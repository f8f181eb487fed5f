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
    public static List<PreferencePair> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default) =>
        Read(path, tokenizer, maxLength, cancellationToken).Examples;

    /// <summary>
    /// The pairs and what reading did to the rows: a pair with a side longer than <paramref name="maxLength"/> is
    /// truncated and counted; one where truncation leaves a reply with no token, or the two replies identical, teaches
    /// nothing and is skipped, listed with its line and reason.
    /// </summary>
    public static LoadedRows<PreferencePair> Read(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default)
    {
        var pairs = new List<PreferencePair>();
        var skipped = new List<RejectedRow>();
        int rows = 0, truncated = 0;
        long lost = 0;
        foreach (var (line, text) in JsonlLines.Read(path, cancellationToken))
        {
            rows++;
            SftExample chosen, rejected;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var prompt = Messages(root.GetProperty("input").GetProperty("messages"));
                chosen = Encode(tokenizer, prompt, Messages(root.GetProperty("preferred_output")), int.MaxValue);
                rejected = Encode(tokenizer, prompt, Messages(root.GetProperty("non_preferred_output")), int.MaxValue);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a preference example ({e.Message})", e);
            }
            var cut = Math.Max(0, chosen.InputIds.Length - maxLength) + Math.Max(0, rejected.InputIds.Length - maxLength);
            if (cut > 0) (truncated, lost) = (truncated + 1, lost + cut);
            (chosen, rejected) = (Truncate(chosen, maxLength), Truncate(rejected, maxLength));
            if (chosen.TargetWeight == 0 || rejected.TargetWeight == 0)
                skipped.Add(new RejectedRow(line, $"the {(chosen.TargetWeight == 0 ? "preferred" : "non-preferred")} reply lies beyond max_length {maxLength}"));
            else if (chosen.InputIds.AsSpan().SequenceEqual(rejected.InputIds))
                skipped.Add(new RejectedRow(line, $"the preferred and non-preferred replies are identical within max_length {maxLength}"));
            else pairs.Add(new PreferencePair(chosen, rejected));
        }
        var report = new DatasetReport(rows, truncated, lost, maxLength, skipped);
        if (pairs.Count == 0)
            throw new InvalidDataException(rows == 0 ? $"{Path.GetFileName(path)}: no examples" : $"{Path.GetFileName(path)}: no pair is left to train on; {report.Describe("rows")}");
        return new LoadedRows<PreferencePair>(pairs, report);
    }

    private static SftExample Truncate(SftExample e, int maxLength) =>
        e.InputIds.Length <= maxLength ? e : new SftExample(e.InputIds[..maxLength], e.LossWeights[..maxLength]);

    /// <summary>The chat of <paramref name="prompt"/> then <paramref name="reply"/>, loss on the reply's assistant tokens only.</summary>
    public static SftExample Encode(Qwen3Tokenizer tokenizer, IReadOnlyList<ChatMessage> prompt, IReadOnlyList<ChatMessage> reply, int maxLength)
    {
        if (reply.Count == 0 || reply.Any(m => m.Role != "assistant")) throw new FormatException("a reply must be assistant messages");
        var turns = prompt.Select(m => (m, 0)).Concat(reply.Select(m => (m, 1))).ToList();
        return ChatSftDataset.Encode(tokenizer, turns, maxLength);
    }

    private static List<ChatMessage> Messages(JsonElement array) => array.EnumerateArray().Select(ChatMessage.FromJson).ToList();
}
