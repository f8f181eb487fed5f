using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Qwen3;

/// <summary>Models small enough for a 2-core CI machine, shaped to catch mix-ups (heads × head_dim ≠ hidden, GQA).</summary>
internal static class TestModels
{
    public static readonly Qwen3Config Small = new()
    {
        VocabSize = 97,
        HiddenSize = 32,
        IntermediateSize = 48,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 16,
        RopeTheta = 10_000,
        RmsNormEps = 1e-6,
        TieWordEmbeddings = false,
        InitializerRange = 0.2, // large weights make every term matter in comparisons
    };

    public static readonly Qwen3Config SmallTied = Small with { TieWordEmbeddings = true };

    public static Qwen3ForCausalLM Create(Qwen3Config? config = null, ulong seed = 7, ScalarType dtype = ScalarType.Float32)
    {
        var model = new Qwen3ForCausalLM(config ?? Small, Qwen3Parameters.Cpu(dtype)).InitializeWeights(seed);
        model.eval();
        return model;
    }

    /// <summary>Norm weights are 1 after init; random ones make a wrong norm placement visible.</summary>
    public static Qwen3ForCausalLM WithRandomNorms(this Qwen3ForCausalLM model, ulong seed = 11)
    {
        using var generator = new Generator(seed);
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
                parameter.copy_(rand(parameter.shape, generator: generator) + 0.5);
        return model;
    }

    public static Tensor Tokens(params long[][] rows) =>
        stack(rows.Select(r => tensor(r, ScalarType.Int64)).ToArray());
}
