namespace Platform.Training.Qwen3;

/// <summary>Named model shapes for tests, benchmarks and training from scratch.</summary>
public static class Qwen3Presets
{
    /// <summary>
    /// About 1.8 M parameters besides the 19.4 M-parameter embedding; the real Qwen3 vocabulary so the real tokenizer's
    /// ids fit. Tied embeddings, as the small Qwen3 checkpoints.
    /// </summary>
    public static Qwen3Config Tiny { get; } = new()
    {
        VocabSize = 151936,
        HiddenSize = 128,
        IntermediateSize = 1024,
        NumHiddenLayers = 4,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 32,
        MaxPositionEmbeddings = 40960,
        RmsNormEps = 1e-6,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = true,
        BosTokenId = 151643,
        EosTokenId = [151645],
        // HF's default 0.02 leaves a 128-wide tied head unable to put more than e^2.5 of odds on any token, so even a
        // memorised answer keeps a loss near 9.5; 0.1 lets a LoRA fine-tune reach confident, exact answers.
        InitializerRange = 0.1,
        TorchDtype = "float32",
    };

    /// <summary>The shape of /work/shared/peers/qwen3-bench-small.json, the peer benchmark's model.</summary>
    public static Qwen3Config Bench { get; } = new()
    {
        VocabSize = 151936,
        HiddenSize = 512,
        IntermediateSize = 1536,
        NumHiddenLayers = 8,
        NumAttentionHeads = 8,
        NumKeyValueHeads = 4,
        HeadDim = 64,
        MaxPositionEmbeddings = 40960,
        RmsNormEps = 1e-6,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = true,
        InitializerRange = 0.02,
        TorchDtype = "float32",
    };

    public static IReadOnlyDictionary<string, Qwen3Config> ByName { get; } = new Dictionary<string, Qwen3Config>
    {
        ["qwen3-tiny"] = Tiny,
        ["qwen3-bench"] = Bench,
    };

    public static Qwen3Config Get(string name) =>
        ByName.TryGetValue(name, out var config)
            ? config
            : throw new ArgumentException($"unknown preset '{name}'; known: {string.Join(", ", ByName.Keys)}", nameof(name));
}
