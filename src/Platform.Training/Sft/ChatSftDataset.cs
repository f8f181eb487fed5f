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
        Read(path, tokenizer, maxLength, LossScale.Default, cancellationToken).Examples;

    public static List<SftExample> Load(string path, Qwen3Tokenizer tokenizer, int maxLength, LossScale lossScale,
        CancellationToken cancellationToken = default) =>
        Read(path, tokenizer, maxLength, lossScale, cancellationToken).Examples;

    /// <summary>
    /// The examples and what reading did to the rows: rows longer than <paramref name="maxLength"/> are truncated and
    /// counted; a row left with no token that carries loss (none had any, or truncation cut every one) is skipped and
    /// listed with its line and reason. A row that does not parse fails the whole load (the upload validator let it through).
    /// </summary>
    public static LoadedRows<SftExample> Read(string path, Qwen3Tokenizer tokenizer, int maxLength, LossScale lossScale,
        CancellationToken cancellationToken = default)
    {
        var examples = new List<SftExample>();
        var skipped = new List<RejectedRow>();
        int rows = 0, truncated = 0;
        long lost = 0;
        foreach (var (line, text) in JsonlLines.Read(path, cancellationToken))
        {
            rows++;
            SftExample full;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var turns = doc.RootElement.GetProperty("messages").EnumerateArray()
                    .Select(m => (Message: ChatMessage.FromJson(m),
                                  Weight: m.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))
                    .ToList();
                full = Encode(tokenizer, turns, int.MaxValue, lossScale);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a chat example ({e.Message})", e);
            }
            var length = full.InputIds.Length;
            var targets = full.LossWeights.Skip(1).Count(w => w > 0);       // position 0 is never predicted
            var keptTargets = full.LossWeights.Skip(1).Take(Math.Min(length, maxLength) - 1).Count(w => w > 0);
            if (length > maxLength) (truncated, lost) = (truncated + 1, lost + length - maxLength);
            if (targets == 0) skipped.Add(RejectedRow.NoLoss(line));
            else if (keptTargets == 0) skipped.Add(RejectedRow.BeyondMaxLength(line, targets, maxLength, length));
            else examples.Add(length > maxLength ? new SftExample(full.InputIds[..maxLength], full.LossWeights[..maxLength]) : full);
        }
        var report = new DatasetReport(rows, truncated, lost, maxLength, skipped);
        if (examples.Count == 0)
            throw new InvalidDataException(rows == 0 ? $"{Path.GetFileName(path)}: no examples" : $"{Path.GetFileName(path)}: no example is left to train on; {report.Describe("rows")}");
        return new LoadedRows<SftExample>(examples, report);
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
