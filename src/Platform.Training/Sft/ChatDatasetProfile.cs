using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Sft;

/// <summary>One chat example as training will see it: its tokens, those that carry loss, what truncation cuts.</summary>
public sealed record ChatRowProfile(int Line, int Tokens, int TargetTokens, int TruncatedTokens, bool Thinking);

/// <summary>A row that cannot be trained on, with its line number and the reason (never dropped silently).</summary>
public sealed record RejectedRow(int Line, string Reason);

/// <summary>
/// Chat JSONL measured without training: per row the templated token count, the tokens that carry loss, and the
/// tokens that truncation at <c>maxLength</c> would cut; rows that do not parse are listed with their reason.
/// Counts exactly as <see cref="ChatSftDataset"/> encodes (same template, same truncation).
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
                    .Select(m => (Message: ChatMessage.FromJson(m), Weight: m.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))
                    .ToList();
                var full = ChatSftDataset.Encode(tokenizer, turns, int.MaxValue);
                var length = full.InputIds.Length;
                var keptTargets = full.LossWeights.Skip(1).Take(Math.Min(length, maxLength) - 1).Count(w => w > 0); // position 0 is never predicted
                rows.Add(new ChatRowProfile(line, length, keptTargets, Math.Max(0, length - maxLength),
                    turns.Any(t => t.Message.Role == "assistant" && IsThinking(t.Message))));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                rejected.Add(new RejectedRow(line, $"not a chat example: {e.Message}"));
            }
        }
        return new ChatDatasetProfile(rows, rejected, maxLength);
    }

    private static bool IsThinking(ChatMessage m) =>
        !string.IsNullOrWhiteSpace(m.ReasoningContent)
        || (m.Content.TrimStart().StartsWith("<think>", StringComparison.Ordinal)
            && m.Content.IndexOf("</think>", StringComparison.Ordinal) is var end and > 0
            && !string.IsNullOrWhiteSpace(m.Content[(m.Content.IndexOf("<think>", StringComparison.Ordinal) + 7)..end]));
}
