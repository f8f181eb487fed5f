using Platform.Training.Generation;
using Platform.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Engine;

/// <summary>
/// Picks each row's next token with that row's own settings: one argmax for the batch, then per sampled row
/// temperature → top-k → top-p → draw from the row's own generator (HF's order, <see cref="TokenSampler.Filter"/>).
/// </summary>
internal static class RowSampler
{
    /// <summary>logits (R, V) → per row the token and, when asked, its log-probability.</summary>
    public static (int Token, TokenLogprob? Logprob)[] Sample(Tensor logits, IReadOnlyList<Sequence> rows, Qwen3Tokenizer tokenizer)
    {
        using var scope = NewDisposeScope();
        // Contiguous rows (a no-op for the head's products): a reduction along a strided dimension re-reads every cache
        // line once per row.
        var scores = logits.to(ScalarType.Float32).contiguous();                         // (R, V)
        var chosen = scores.argmax(-1).data<long>().Select(t => (int)t).ToArray();       // (R)
        for (var r = 0; r < rows.Count; r++)
        {
            var sampling = rows[r].Sampling;
            if (sampling.IsGreedy) continue;
            var row = TokenSampler.Filter(scores[r].unsqueeze(0) / sampling.Temperature, sampling.TopK, sampling.TopP); // (1, V)
            chosen[r] = (int)multinomial(row.softmax(-1), 1, generator: rows[r].Generator).item<long>();
        }
        var result = new (int, TokenLogprob?)[rows.Count];
        var logprobs = rows.Any(r => r.Sampling.Logprobs) ? scores.log_softmax(-1) : null;  // (R, V)
        for (var r = 0; r < rows.Count; r++)
            result[r] = (chosen[r], rows[r].Sampling.Logprobs ? Logprob(logprobs![r], chosen[r], rows[r].Sampling.TopLogprobs, tokenizer) : null);
        return result;
    }

    private static TokenLogprob Logprob(Tensor row, int token, int top, Qwen3Tokenizer tokenizer)
    {
        var alternatives = new List<(int, string, double)>();
        if (top > 0)
        {
            var (values, indices) = row.topk(top);
            var ids = indices.data<long>().ToArray();
            var lps = values.data<float>().ToArray();
            for (var i = 0; i < ids.Length; i++) alternatives.Add(((int)ids[i], tokenizer.Decode([(int)ids[i]]), lps[i]));
        }
        return new TokenLogprob(token, tokenizer.Decode([token]), row[token].item<float>(), alternatives);
    }
}
