using Platform.Training.Sft;
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
/// Weights are exact; trainable state, activations and the LM-head buffers are element counts (trainable parameters;
/// inputs of each matmul, norm and attention probabilities per layer; one chunk of logits) times factors calibrated by
/// measuring peak RSS with `platform bench memory` (docs/benchmarks.md gives the fit).
/// </summary>
public static class TrainingMemoryModel
{
    /// <summary>Resident memory of the process before any model exists: .NET, libtorch, allocator pools (measured).</summary>
    public const long RuntimeBytes = 183L << 20;
    /// <summary>Calibrated: multiplier on the nominal activation elements (allocator slack, transient copies).</summary>
    public const double ActivationFactor = 1.90;
    /// <summary>Calibrated: how many chunk-sized (rows, V) fp32 logit buffers are resident at the peak.</summary>
    public const double LogitsBuffers = 1.0;
    /// <summary>
    /// Calibrated: trainable-sized fp32 buffers at the peak: gradient, AdamW's two moments, and the temporaries that the
    /// allocator keeps once freed (NativeHeap): AdamW's denominator, for full fine-tuning the head's gradient and its copy.
    /// </summary>
    public const double TrainableBuffers = 9.15;

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
        var trainableState = (long)(trainable * 4 * TrainableBuffers);

        long tokens = (long)s.MicroBatch * s.Sequence;
        // Per token and layer: norm inputs/outputs (4h), q/k/v and their norms and rotations (3·(q + 2kv)),
        // attention output (q), MLP gate/up/activation/product (4i); per head the probabilities over the sequence.
        var perTokenLayer = 4 * h + 3 * (q + 2 * kv) + q + 4 * i + (long)c.NumAttentionHeads * s.Sequence
                            + (s.Lora ? 7L * s.LoraRank : 0);
        var activations = (long)(tokens * layers * perTokenLayer * 4 * ActivationFactor) + tokens * h * 4 * 2;
        // The fused head (HeadCrossEntropy) holds the logits of one chunk of loss positions at a time.
        var logitRows = Math.Min((long)s.MicroBatch * s.LossPositions, HeadCrossEntropy.ChunkRows(v));
        var logits = (long)(LogitsBuffers * logitRows * v * 4);
        return new TrainingMemoryEstimate(RuntimeBytes, weights, trainableState, activations, logits);
    }
}
