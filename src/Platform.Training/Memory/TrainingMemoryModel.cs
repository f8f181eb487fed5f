using Platform.Training.Qwen3;

namespace Platform.Training.Memory;

/// <summary>The shape of one training run, as far as its peak memory is concerned.</summary>
public sealed record TrainingMemoryShape
{
    public required Qwen3Config Config { get; init; }
    public bool Lora { get; init; } = true;
    /// <summary>LoRA on every linear of every layer (all-linear), at this rank.</summary>
    public int LoraRank { get; init; } = 8;
    /// <summary>Sequences per micro-batch (what runs through forward and backward at once).</summary>
    public int MicroBatch { get; init; } = 1;
    /// <summary>Tokens per sequence, the longest in the micro-batch (shorter ones are padded to it).</summary>
    public int Sequence { get; init; } = 512;
    /// <summary>Positions per sequence whose next token carries loss (only those reach the LM head).</summary>
    public int LossPositions { get; init; } = 256;
    public int WeightBytes { get; init; } = 4;
    /// <summary>The worker keeps one extra copy of the base weights in host memory (its base-model cache).</summary>
    public bool CachedBaseCopy { get; init; }
}

/// <summary>A predicted peak, in bytes, with its parts (for the dry-run quote and the feasibility check).</summary>
public sealed record TrainingMemoryEstimate(long Runtime, long Weights, long TrainableState, long Activations, long Logits)
{
    public long Total => Runtime + Weights + TrainableState + Activations + Logits;
    public double TotalMib => Total / (1024.0 * 1024.0);
}

/// <summary>
/// Peak memory of an fp32 SFT step (forward + backward + AdamW) on the CPU, in bytes, from the run's shape.
/// Weights and optimizer state are exact; activations and the LM-head buffers are element counts of what autograd
/// keeps (inputs of each matmul, norm and attention probabilities per layer; logits, log-softmax and their gradient)
/// times factors calibrated by measuring peak RSS with `platform bench memory` (docs/benchmarks.md gives the fit).
/// </summary>
public static class TrainingMemoryModel
{
    /// <summary>Resident memory of the process before any model exists: .NET, libtorch, allocator pools (measured).</summary>
    public const long RuntimeBytes = 195L << 20;
    /// <summary>Calibrated: multiplier on the nominal activation elements (allocator slack, transient copies).</summary>
    public const double ActivationFactor = 1.83;
    /// <summary>Calibrated: how many (N, V) fp32 buffers are alive at the peak (logits, log-softmax, gradient).</summary>
    public const double LogitsBuffers = 2.76;

    public static TrainingMemoryEstimate Estimate(TrainingMemoryShape s)
    {
        var c = s.Config;
        long h = c.HiddenSize, i = c.IntermediateSize, layers = c.NumHiddenLayers, v = c.VocabSize;
        long q = (long)c.NumAttentionHeads * c.HeadDimension, kv = (long)c.KeyValueHeads * c.HeadDimension;

        var perLayer = h * (q + 2 * kv) + q * h + 3 * h * i + 2 * h + 2L * c.HeadDimension;    // linears + norms
        var parameters = layers * perLayer + v * h * (c.TieWordEmbeddings ? 1 : 2) + h;
        var weights = parameters * s.WeightBytes * (s.CachedBaseCopy ? 2 : 1);

        // LoRA on q, k, v, o, gate, up, down: A (r, in) + B (out, r) each.
        var loraPerLayer = (long)s.LoraRank * ((h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h));
        var trainable = s.Lora ? layers * loraPerLayer : parameters;
        // fp32 gradient + AdamW's two moments (+ the fp32 adapter weights themselves for LoRA; for full fine-tuning one
        // more parameter-sized buffer, measured: the optimizer's and clipping's temporaries).
        var trainableState = trainable * 4 * 4;

        long tokens = (long)s.MicroBatch * s.Sequence;
        // Per token and layer: norm inputs/outputs (4h), q/k/v and their norms and rotations (3·(q + 2kv)),
        // attention output (q), MLP gate/up/activation/product (4i); per head the probabilities over the sequence.
        var perTokenLayer = 4 * h + 3 * (q + 2 * kv) + q + 4 * i + (long)c.NumAttentionHeads * s.Sequence
                            + (s.Lora ? 7L * s.LoraRank : 0);
        var activations = (long)(tokens * layers * perTokenLayer * 4 * ActivationFactor) + tokens * h * 4 * 2;
        var logits = (long)(LogitsBuffers * s.MicroBatch * s.LossPositions * v * 4);
        return new TrainingMemoryEstimate(RuntimeBytes, weights, trainableState, activations, logits);
    }
}
