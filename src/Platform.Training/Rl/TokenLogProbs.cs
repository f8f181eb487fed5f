using Platform.Training.Qwen3;
using Platform.Training.Sft;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

/// <summary>The policy's log-probability of each weighted (completion) token, and what DPO and GRPO build from it.</summary>
public static class TokenLogProbs
{
    /// <summary>
    /// log p(token | prefix) for every token with loss weight (N, fp32, with a graph when grad is on), the example each
    /// belongs to (N, int64; tokens come row by row, in order), and, when asked, each position's entropy (N, no graph).
    /// </summary>
    public static (Tensor LogProbs, Tensor Rows, Tensor? Entropy) Compute(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples,
        bool withEntropy = false)
    {
        using var scope = NewDisposeScope();
        var (logits, targets, _) = SftLoss.LossPositions(model, examples);                           // (N, V), (N)
        var logProbs = -nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);  // (N)
        Tensor? entropy = null;
        if (withEntropy)
            using (no_grad())
            {
                var all = logits.detach().log_softmax(-1);                                            // (N, V)
                entropy = -(all.exp() * all).sum(-1);                                                 // (N)
            }
        var rows = tensor(RowOfEachToken(examples), ScalarType.Int64, logProbs.device);               // (N)
        return (logProbs.MoveToOuterDisposeScope(), rows.MoveToOuterDisposeScope(), entropy?.MoveToOuterDisposeScope());
    }

    /// <summary>Sums per-token values (N) into one per example (B).</summary>
    public static Tensor SumPerRow(Tensor values, Tensor rows, int examples) =>
        zeros(examples, values.dtype, values.device).index_add(0, rows, values, 1);

    /// <summary>Sum of log p over each example's weighted tokens: (B).</summary>
    public static Tensor SequenceSums(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples)
    {
        using var scope = NewDisposeScope();
        var (logProbs, rows, _) = Compute(model, examples);
        return SumPerRow(logProbs, rows, examples.Count).MoveToOuterDisposeScope();
    }

    private static long[] RowOfEachToken(IReadOnlyList<SftExample> examples)
    {
        var rows = new List<long>();
        for (var row = 0; row < examples.Count; row++)
            for (var i = 1; i < examples[row].LossWeights.Length; i++)
                if (examples[row].LossWeights[i] != 0) rows.Add(row);
        return [.. rows];
    }
}
