namespace Platform.Inference;

/// <summary>How one engine (one copy of one base model) batches, caches and keeps adapters. Bound from "Inference".</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Hard budget of the KV cache in bytes; it is allocated once, in pages, when the engine starts.</summary>
    public long KvCacheBytes { get; set; } = 256L * 1024 * 1024;
    /// <summary>Token positions per KV page.</summary>
    public int PageSize { get; set; } = 16;
    /// <summary>Sequences decoding at once (rows of the decode batch).</summary>
    public int MaxRunning { get; set; } = 32;
    /// <summary>Tokens one engine step may feed the model (decode rows plus prefill chunks).</summary>
    public int MaxBatchTokens { get; set; } = 512;
    /// <summary>At most this many prompt tokens of one sequence per step (chunked prefill), so decoding rows keep moving.</summary>
    public int PrefillChunk { get; set; } = 128;
    /// <summary>Requests waiting for a slot beyond this are refused (the caller answers 503).</summary>
    public int MaxWaiting { get; set; } = 1024;
    /// <summary>Adapters resident per base model at once; idle ones are evicted least recently used first.</summary>
    public int MaxResidentAdapters { get; set; } = 8;
    /// <summary>Largest LoRA rank the adapter table holds (its rows are padded to it).</summary>
    public int MaxLoraRank { get; set; } = 64;
    /// <summary>How rows with different adapters get their deltas; the enum below says what each value does.</summary>
    public LoraKernel LoraKernel { get; set; } = LoraKernel.Auto;
}

public enum LoraKernel
{
    /// <summary>
    /// Decode steps: stacked up to <see cref="LoraBatch.StackedUpTo"/> distinct adapters, gathered beyond; prefills: grouped
    /// (measured in <c>bench serve</c>, docs/benchmarks.md).
    /// </summary>
    Auto,
    /// <summary>Rows sorted by adapter, one pair of matmuls per adapter present (Punica's SGMV idea).</summary>
    Grouped,
    /// <summary>Each row's A and B gathered from the padded table, one batched matmul pair for the whole batch (BGMV).</summary>
    Gathered,
    /// <summary>
    /// The A and B of every adapter present stacked into one matrix each: one matmul pair for the whole batch, each row's
    /// columns outside its own adapter masked to zero. Costs k·r columns for k adapters present, a handful of ops per linear.
    /// </summary>
    Stacked,
}
