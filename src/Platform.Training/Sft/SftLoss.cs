using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>
/// Weighted next-token cross-entropy. The LM head runs only on positions whose next token carries weight: at Qwen3's
/// 151,936-token vocabulary the head dominates the FLOPs, and prompt tokens need no logits. When training an fp32 head
/// without LoRA on it, the head and the loss run fused and chunked (<see cref="HeadCrossEntropy"/>).
/// </summary>
public static class SftLoss
{
    /// <summary>
    /// Sum over the micro-batch of weight × -log p(token | prefix), in fp32, as a scalar tensor with a graph. A training
    /// run passes its <paramref name="workspace"/> for the fused head's logits.
    /// </summary>
    public static Tensor WeightedSum(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples, LogitsWorkspace? workspace = null)
    {
        using var scope = NewDisposeScope();
        var (predictors, targets, weights) = Predictors(model, examples);                   // (N, H), (N), (N)
        var head = model.LmHeadLinear;
        if (is_grad_enabled() && ReferenceEquals(model.LmHead, head) && head.bias is null && head.weight!.dtype == ScalarType.Float32
            && predictors.dtype == ScalarType.Float32)
            return HeadCrossEntropy.WeightedSum(predictors, head.weight, targets, weights, workspace).MoveToOuterDisposeScope();
        var logits = model.LmHead.call(predictors).to(ScalarType.Float32);                // (N, V)
        var losses = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None); // (N)
        return (losses * weights).sum().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The positions whose next token carries weight: fp32 logits (N, V), the tokens they predict (N) and the weights (N).
    /// Examples are right-padded; causal attention keeps real tokens from seeing the padding, which has weight 0.
    /// </summary>
    public static (Tensor Logits, Tensor Targets, Tensor Weights) LossPositions(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples)
    {
        using var scope = NewDisposeScope();
        var (predictors, targets, weights) = Predictors(model, examples);                   // (N, H), (N), (N)
        var logits = model.LmHead.call(predictors).to(ScalarType.Float32);                // (N, V)
        return (logits.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    /// <summary>The final hidden states (N, H) of the positions whose next token carries weight, those tokens and weights.</summary>
    private static (Tensor Predictors, Tensor Targets, Tensor Weights) Predictors(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples)
    {
        using var scope = NewDisposeScope();
        var device = model.Parameters.Device;
        var (ids, weights) = RightPad(examples, device);                                     // (B, T), (B, T)
        var length = ids.shape[1];
        var hidden = model.Model.forward(ids);                                              // (B, T, H)
        var predictors = hidden[.., ..(int)(length - 1)].reshape(-1, hidden.shape[2]);       // (B*(T-1), H)
        var targets = ids[.., 1..].reshape(-1);                                             // (B*(T-1))
        var targetWeights = weights[.., 1..].reshape(-1);                                   // (B*(T-1))
        var used = targetWeights.nonzero().squeeze(1);                                      // (N)
        return (predictors.index_select(0, used).MoveToOuterDisposeScope(), targets.index_select(0, used).MoveToOuterDisposeScope(),
            targetWeights.index_select(0, used).MoveToOuterDisposeScope());
    }

    private static (Tensor Ids, Tensor Weights) RightPad(IReadOnlyList<SftExample> examples, Device device)
    {
        var length = examples.Max(e => e.InputIds.Length);
        var ids = new long[examples.Count * length];
        var weights = new float[examples.Count * length];
        for (var row = 0; row < examples.Count; row++)
        {
            var example = examples[row];
            for (var i = 0; i < example.InputIds.Length; i++)
                (ids[row * length + i], weights[row * length + i]) = (example.InputIds[i], example.LossWeights[i]);
        }
        return (tensor(ids, [examples.Count, length], ScalarType.Int64, device),
            tensor(weights, [examples.Count, length], ScalarType.Float32, device));
    }
}
