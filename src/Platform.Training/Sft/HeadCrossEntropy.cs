using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>
/// The LM head and the weighted cross-entropy as one step whose gradient is computed as the loss is: per chunk of
/// positions, logits → softmax in place → (softmax − one-hot)·weight → ∂x = that · W (and ∂W = thatᵀ · x when the head
/// trains). The logits of a chunk are the only vocabulary-sized buffer and are gone when the chunk ends, where autograd
/// would keep logits, log-softmax and their gradient for the whole batch and run three more passes over them.
/// The numbers are those of log_softmax + weighted NLL; only the order of the work differs.
/// </summary>
public static class HeadCrossEntropy
{
    /// <summary>Logit elements (fp32) of one chunk: 512 MiB, about 880 positions at Qwen3's 151,936-token vocabulary.</summary>
    public const long ChunkElements = 1L << 27;

    /// <summary>Rows of a chunk at this vocabulary size.</summary>
    public static int ChunkRows(long vocabulary) => (int)Math.Max(1, ChunkElements / vocabulary);

    /// <summary>
    /// Σ weight × −log softmax(x·Wᵀ)[target] over the N positions, as a scalar whose backward gives x (and W, when it
    /// requires grad) exactly the gradient of that sum. x (N, H) carries the graph of the body; W (V, H) is the head.
    /// The logits of each chunk are written into <paramref name="workspace"/> when given (a training run passes its own),
    /// else into a buffer of this call. <paramref name="chunkRows"/> overrides <see cref="ChunkRows"/> (tests split small
    /// batches with it).
    /// </summary>
    public static Tensor WeightedSum(Tensor x, Tensor weight, Tensor targets, Tensor weights, LogitsWorkspace? workspace = null,
        int? chunkRows = null)
    {
        using var scope = NewDisposeScope();
        var headTrains = weight.requires_grad;
        Tensor lossSum, gradX;
        Tensor? gradW = null;
        using (no_grad())
        {
            var input = x.detach();
            lossSum = zeros(1, ScalarType.Float64, x.device);
            gradX = empty_like(input);                                                               // (N, H)
            if (headTrains) gradW = zeros_like(weight);                                               // (V, H)
            var rows = chunkRows ?? ChunkRows(weight.shape[0]);
            for (var start = 0; start < input.shape[0]; start += rows)
            {
                using var chunkScope = NewDisposeScope();
                var end = (int)Math.Min(input.shape[0], start + rows);
                var xc = input[start..end];                                                          // (C, H)
                var tc = targets[start..end].unsqueeze(0);                                           // (1, C)
                var wc = weights[start..end].unsqueeze(0);                                           // (1, C)
                // (V, C): W·xᵀ is the faster of the two GEMM layouts for a tall, narrow head (measured 565 vs 646 ms).
                var logits = workspace is null
                    ? mm(weight, xc.t())
                    : workspace.Take(weight.shape[0], end - start, weight.dtype, weight.device).addmm_(weight, xc.t(), beta: 0);
                var target = logits.gather(0, tc);                                                   // (1, C)
                var max = logits.amax([0], keepdim: true);                                            // (1, C)
                logits.sub_(max).exp_();
                var sum = logits.sum(0, keepdim: true);                                              // (1, C)
                lossSum.add_(((sum.log() + max - target) * wc).sum().to(ScalarType.Float64));
                logits.mul_(wc / sum).scatter_add_(0, tc, -wc);                                      // (softmax − one-hot)·w
                gradX[start..end].copy_(mm(logits.t(), weight));                                     // (C, H)
                gradW?.addmm_(logits, xc);                                                           // (V, H)
            }
        }
        // A surrogate that is linear in x and W hands the precomputed gradients to autograd: its value is replaced by
        // the loss (a − a.detach() is exactly 0), its derivative is ∂x (and ∂W), scaled by whatever multiplies the result.
        var surrogate = (x * gradX).sum();
        if (gradW is not null) surrogate = surrogate + (weight * gradW).sum();
        var result = surrogate - surrogate.detach() + lossSum.to(ScalarType.Float32).squeeze();
        return result.MoveToOuterDisposeScope();
    }
}
