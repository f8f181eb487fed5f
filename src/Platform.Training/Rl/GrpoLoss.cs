using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

/// <summary>Per-token GRPO terms, all (N): the loss, 1 where the clip was active, and the k3 KL estimate (null without a reference).</summary>
public sealed record GrpoTokenTerms(Tensor Loss, Tensor Clipped, Tensor? Kl) : IDisposable
{
    public void Dispose()
    {
        Loss.Dispose();
        Clipped.Dispose();
        Kl?.Dispose();
    }
}

/// <summary>The step's size, for the normalisations that divide by the whole batch rather than a micro-batch.</summary>
public readonly record struct GrpoBatchSize(int Completions, long CompletionTokens, int MaxCompletionLength);

/// <summary>GRPO's maths on toy-sized tensors: group advantages, the clipped surrogate with a k3 KL term, the loss reductions.</summary>
public static class GrpoLoss
{
    /// <summary>
    /// (r − mean of the group) / (std of the group + ε) per completion, where each run of <paramref name="groupSize"/>
    /// rewards is one prompt's group; std is the unbiased one, as torch.std. Without scaling: r − mean (Dr. GRPO).
    /// </summary>
    public static double[] Advantages(IReadOnlyList<double> rewards, int groupSize, bool scaleByStd, double epsilon = 1e-4)
    {
        if (groupSize < 2 || rewards.Count % groupSize != 0) throw new ArgumentException("rewards must form groups of at least two", nameof(groupSize));
        var advantages = new double[rewards.Count];
        for (var start = 0; start < rewards.Count; start += groupSize)
        {
            var group = Enumerable.Range(start, groupSize).Select(i => rewards[i]).ToArray();
            var mean = group.Average();
            var std = Math.Sqrt(group.Sum(r => (r - mean) * (r - mean)) / (groupSize - 1));
            for (var i = 0; i < groupSize; i++)
                advantages[start + i] = scaleByStd ? (group[i] - mean) / (std + epsilon) : group[i] - mean;
        }
        return advantages;
    }

    /// <summary>
    /// −min(ρ·A, clip(ρ, 1−ε_low, 1+ε_high)·A) + β·(e^(ref−logp) − (ref−logp) − 1) per token, ρ = e^(logp − old).
    /// <paramref name="advantages"/> is per token (each completion's advantage repeated over its tokens).
    /// </summary>
    public static GrpoTokenTerms PerToken(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages,
        double epsilonLow, double epsilonHigh, double beta)
    {
        using var scope = NewDisposeScope();
        var ratio = (logProbs - oldLogProbs).exp();                                           // (N)
        var clippedRatio = ratio.clamp(1 - epsilonLow, 1 + epsilonHigh);                      // (N)
        var loss = -minimum(ratio * advantages, clippedRatio * advantages);                   // (N)
        Tensor clipped;
        using (no_grad())
            clipped = (ratio.lt(1 - epsilonLow).logical_and(advantages.lt(0)))
                .logical_or(ratio.gt(1 + epsilonHigh).logical_and(advantages.gt(0))).to(ScalarType.Float32);
        Tensor? kl = null;
        if (referenceLogProbs is not null)
        {
            var delta = referenceLogProbs - logProbs;                                         // (N)
            kl = delta.exp() - delta - 1;                                                     // (N), ≥ 0
            if (beta != 0) loss = loss + beta * kl;
        }
        return new GrpoTokenTerms(loss.MoveToOuterDisposeScope(), clipped.MoveToOuterDisposeScope(), kl?.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A micro-batch's share of the step's loss: per-token losses (N) of completions whose token counts are
    /// <paramref name="lengths"/> (one per row, <paramref name="rows"/> maps tokens to rows), reduced as
    /// <paramref name="type"/> says over the whole <paramref name="batch"/>, so the shares of all micro-batches add up to it.
    /// </summary>
    public static Tensor Reduce(Tensor perToken, Tensor rows, IReadOnlyList<int> lengths, GrpoLossType type, GrpoBatchSize batch)
    {
        using var scope = NewDisposeScope();
        var reduced = type switch
        {
            GrpoLossType.Grpo => (perToken / tensor(lengths.Select(l => (float)l).ToArray(), device: perToken.device).index_select(0, rows)).sum()
                                 / batch.Completions,
            GrpoLossType.DrGrpo => perToken.sum() / ((double)batch.Completions * batch.MaxCompletionLength),
            GrpoLossType.Dapo => perToken.sum() / batch.CompletionTokens,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return reduced.MoveToOuterDisposeScope();
    }
}
