using Platform.Inference.Lora;

namespace Platform.Inference.Engine;

/// <summary>One sequence to generate: a tokenized prompt, an optional adapter, and how to sample (OpenAI's names).</summary>
public sealed record InferenceRequest
{
    /// <summary>Fairness key: waiting requests are admitted tenant by tenant, fewest running first.</summary>
    public required string TenantId { get; init; }
    public required int[] Prompt { get; init; }
    public AdapterRef? Adapter { get; init; }
    public SamplingParams Sampling { get; init; } = new();
}

public sealed record SamplingParams
{
    /// <summary>0 = greedy.</summary>
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    /// <summary>0 = no top-k filter.</summary>
    public int TopK { get; init; }
    /// <summary>Seeds this sequence's own generator, so a seeded sample does not depend on its batch.</summary>
    public ulong? Seed { get; init; }
    public int MaxTokens { get; init; } = 256;
    /// <summary>Generation ends before any of these strings; the string is not returned.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
    /// <summary>Generation ends at these tokens (e.g. &lt;|im_end|&gt;); they are not returned as text.</summary>
    public IReadOnlySet<int> StopTokenIds { get; init; } = new HashSet<int>();
    /// <summary>Return each chosen token's log-probability, with this many alternatives (0 = none).</summary>
    public bool Logprobs { get; init; }
    public int TopLogprobs { get; init; }

    public bool IsGreedy => Temperature <= 0;
}
