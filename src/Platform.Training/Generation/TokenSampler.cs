using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Generation;

/// <summary>Picks the next token from last-position logits: greedy, or temperature → top-k → top-p → sample (HF's order).</summary>
public sealed class TokenSampler : IDisposable
{
    private readonly GenerationOptions options;
    private readonly Generator? generator;

    public TokenSampler(GenerationOptions options)
    {
        this.options = options;
        if (!options.IsGreedy)
            generator = new Generator(options.Seed ?? (ulong)Random.Shared.NextInt64());
    }

    /// <summary>logits (B, V) → token ids (B).</summary>
    public long[] Next(Tensor logits)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var scores = logits.to(ScalarType.Float32);
        if (options.IsGreedy) return scores.argmax(-1).data<long>().ToArray();
        scores = Filter(scores / options.Temperature, options.TopK, options.TopP);
        return multinomial(scores.softmax(-1), 1, generator: generator).squeeze(-1).data<long>().ToArray();
    }

    /// <summary>Sets every score outside the top-k and outside the top-p nucleus to -inf; the best token always stays.</summary>
    public static Tensor Filter(Tensor scores, int topK, double topP)
    {
        using var scope = NewDisposeScope();
        var vocabulary = scores.shape[^1];
        if (topK > 0 && topK < vocabulary)
        {
            var kth = scores.topk(topK, dim: -1).values[TensorIndex.Ellipsis, TensorIndex.Slice(-1, null)]; // (B, 1)
            scores = scores.masked_fill(scores < kth, double.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, order) = scores.sort(-1, descending: true, stable: true);                            // (B, V)
            var probabilities = sorted.softmax(-1);
            var massBefore = probabilities.cumsum(-1) - probabilities;       // probability of the better tokens
            var dropSorted = massBefore >= topP;                               // the nucleus is already complete
            var drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);   // back to vocabulary order
            scores = scores.masked_fill(drop, double.NegativeInfinity);
        }
        return scores.MoveToOuterDisposeScope();
    }

    public void Dispose() => generator?.Dispose();
}
