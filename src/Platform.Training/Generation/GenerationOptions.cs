namespace Platform.Training.Generation;

/// <summary>How to pick tokens (HF generate's names). Temperature 0 means greedy decoding.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 256;
    /// <summary>0 = greedy (argmax); otherwise logits are divided by it before top-k, top-p and sampling.</summary>
    public double Temperature { get; init; }
    /// <summary>0 = no top-k filter.</summary>
    public int TopK { get; init; }
    /// <summary>1 = no nucleus filter; otherwise the smallest set of most likely tokens whose probability reaches it.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Generation of a sequence ends after it emits one of these (the stop token is part of the output).</summary>
    public IReadOnlySet<int> StopTokenIds { get; init; } = new HashSet<int>();
    /// <summary>Seed of the sampling generator; null draws one from the OS.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Written into left padding; never attended to, so any valid id works.</summary>
    public int PadTokenId { get; init; }

    public bool IsGreedy => Temperature <= 0;
}

public enum FinishReason
{
    /// <summary>A stop token was generated.</summary>
    Stop,
    /// <summary>MaxNewTokens were generated.</summary>
    Length,
}

/// <summary>The new tokens of one prompt (stop token included when <see cref="Reason"/> is Stop).</summary>
public sealed record GeneratedSequence(int[] Tokens, FinishReason Reason);

/// <summary>Streamed as soon as a token is chosen: which prompt, its index among that prompt's new tokens, the id.</summary>
public readonly record struct GeneratedToken(int Prompt, int Index, int TokenId);
