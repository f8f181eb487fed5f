using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Sft;

/// <summary>One chat example as training will see it: its tokens, those that carry loss, what truncation cuts.</summary>
public sealed record ChatRowProfile(int Line, int Tokens, int TargetTokens, int TruncatedTokens, bool Thinking);

/// <summary>A row that cannot be trained on, with its line number and the reason (never dropped silently).</summary>
public sealed record RejectedRow(int Line, string Reason)
{
    public static RejectedRow NoLoss(int line) =>
        new(line, "no token carries loss (every assistant turn has weight 0, or holds only an empty think block)");

    public static RejectedRow BeyondMaxLength(int line, int targets, int maxLength, int length) =>
        new(line, $"all {targets} trained tokens lie beyond max_length {maxLength} (the row is {length} tokens)");
}

/// <summary>
/// Chat JSONL measured without training: per row the templated token count, the tokens that carry loss, and the
/// tokens that truncation at <c>maxLength</c> would cut; rows that do not parse, or that training would skip (no token
/// left that carries loss), are listed with their reason. Counts exactly as <see cref="ChatSftDataset"/> encodes (same
/// template, same truncation, same skips).
/// </summary>
public sealed record ChatDatasetProfile(IReadOnlyList<ChatRowProfile> Rows, IReadOnlyList<RejectedRow> Rejected, int MaxLength)
{
    public int Truncated => Rows.Count(r => r.TruncatedTokens > 0);
    public long TokensLost => Rows.Sum(r => (long)r.TruncatedTokens);
    /// <summary>Tokens per row after truncation (what a step processes).</summary>
    public long KeptTokens => Rows.Sum(r => (long)(r.Tokens - r.TruncatedTokens));
    public int Thinking => Rows.Count(r => r.Thinking);

    public static ChatDatasetProfile Measure(string path, Qwen3Tokenizer tokenizer, int maxLength, CancellationToken cancellationToken = default)
    {
        var rows = new List<ChatRowProfile>();
        var rejected = new List<RejectedRow>();
        foreach (var (line, text) in JsonlLines.Read(path, cancellationToken))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                var turns = doc.RootElement.GetProperty("messages").EnumerateArray()
                    .Select(m => (Message: ChatMessage.FromJson(m), Weight: m.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))
                    .ToList();
                var full = ChatSftDataset.Encode(tokenizer, turns, int.MaxValue);
                var length = full.InputIds.Length;
                var targets = full.LossWeights.Skip(1).Count(w => w > 0);
                var keptTargets = full.LossWeights.Skip(1).Take(Math.Min(length, maxLength) - 1).Count(w => w > 0); // position 0 is never predicted
                if (targets == 0 || keptTargets == 0)
                {
                    rejected.Add(targets == 0 ? RejectedRow.NoLoss(line) : RejectedRow.BeyondMaxLength(line, targets, maxLength, length));
                    continue;
                }
                rows.Add(new ChatRowProfile(line, length, keptTargets, Math.Max(0, length - maxLength),
                    turns.Any(t => t.Message.Role == "assistant" && t.Message.Thinks)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                rejected.Add(new RejectedRow(line, $"not a chat example: {e.Message}"));
            }
        }
        return new ChatDatasetProfile(rows, rejected, maxLength);
    }
}
