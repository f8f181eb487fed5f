using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>Validation metrics over weighted target tokens (as ms-swift reports them).</summary>
public sealed record SftEvalResult(double Loss, long Tokens, double TokenAccuracy)
{
    public double Perplexity => Math.Exp(Loss);
}

public static class SftEvaluation
{
    /// <summary>Weighted mean next-token loss and the weighted share of targets the argmax predicts, without gradients.</summary>
    public static SftEvalResult Evaluate(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples, int batchSize,
        CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureInitialized();
        var wasTraining = model.training;
        model.eval();
        using var _ = no_grad();
        double loss = 0, correct = 0, weight = 0;
        long tokens = 0;
        foreach (var batch in examples.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (logits, targets, weights) = SftLoss.LossPositions(model, batch);                          // (N, V), (N), (N)
            loss += (nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None) * weights).sum().item<float>();
            correct += (logits.argmax(-1).eq(targets).to(ScalarType.Float32) * weights).sum().item<float>();
            weight += weights.sum().item<float>();
            tokens += targets.shape[0];
        }
        if (wasTraining) model.train();
        return weight > 0 ? new SftEvalResult(loss / weight, tokens, correct / weight) : new SftEvalResult(0, 0, 0);
    }
}
