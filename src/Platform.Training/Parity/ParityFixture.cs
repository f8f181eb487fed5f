using Platform.Training.Checkpoints;
using Platform.Training.Generation;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Parity;

/// <summary>
/// What tools/gpucheck/check.py compares with transformers + peft: per variant, a small random Qwen3 saved as an HF
/// folder (model/), a LoRA adapter with non-zero B saved as a PEFT folder (adapter/), and ours.safetensors with the
/// inputs, this engine's fp32 logits and its greedy KV-cache generations, without and with the adapter.
/// </summary>
public static class ParityFixture
{
    public const int Batch = 2;
    public const int Sequence = 24;
    /// <summary>Left padding of the second row in the padded batch.</summary>
    public const int Padding = 6;
    public const int NewTokens = 16;
    public const int PadTokenId = 0;
    private static readonly int[] PromptLengths = [10, 6];

    /// <summary>Real Qwen3 structure (GQA 8/2, head_dim 64 ≠ hidden / heads, q/k norms, rope_theta 1e6), small sizes.</summary>
    public static IReadOnlyDictionary<string, Qwen3Config> Variants { get; } = new Dictionary<string, Qwen3Config>
    {
        ["tied"] = Small with { TieWordEmbeddings = true },
        // attention_bias is off in released Qwen3 checkpoints, but config.json may turn it on; checked here too
        ["untied_bias"] = Small with { TieWordEmbeddings = false, AttentionBias = true },
    };

    public static LoraConfig Lora { get; } = new() { Rank = 8, Alpha = 16, TargetModules = [LoraConfig.AllLinear] };

    private static Qwen3Config Small => new()
    {
        VocabSize = 4096,
        HiddenSize = 256,
        IntermediateSize = 512,
        NumHiddenLayers = 4,
        NumAttentionHeads = 8,
        NumKeyValueHeads = 2,
        HeadDim = 64,
        MaxPositionEmbeddings = 4096,
        RmsNormEps = 1e-6,
        RopeTheta = 1_000_000,
        // 0.05 rather than 0.02 so the logits spread enough that greedy picks are not near-ties
        InitializerRange = 0.05,
        TorchDtype = "float32",
    };

    /// <summary>Writes one folder per variant under <paramref name="directory"/>.</summary>
    public static void Write(string directory, ulong seed = 0, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureInitialized();
        foreach (var (name, config) in Variants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteVariant(Path.Combine(directory, name), config, seed);
        }
    }

    private static void WriteVariant(string directory, Qwen3Config config, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new Qwen3ForCausalLM(config).InitializeWeights(seed);
        using (var generator = new Generator(seed + 1)) RandomiseNormsAndBiases(model, generator);
        model.eval();
        HfModelFolder.Save(model, Path.Combine(directory, "model"));

        var tensors = Inputs(config.VocabSize, seed + 2);
        Predict(model, tensors, "base");
        var adapter = LoraAdapter.Apply(model, Lora, seed + 3);
        using (var generator = new Generator(seed + 4))
            foreach (var b in adapter.Layers.Values.Select(l => l.B)) b.normal_(0, 0.05, generator);
        adapter.Save(Path.Combine(directory, "adapter"));
        Predict(model, tensors, "lora");
        SafetensorsWriter.Save(Path.Combine(directory, "ours.safetensors"), tensors);
    }

    /// <summary>Norm weights in [0.5, 1.5) and biases ~ N(0, 0.05), so neither is the identity HF initialises.</summary>
    private static void RandomiseNormsAndBiases(Qwen3ForCausalLM model, Generator generator)
    {
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.uniform_(0.5, 1.5, generator);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.normal_(0, 0.05, generator);
        }
    }

    /// <summary>
    /// input_ids (B, T); padded_ids with the second row left-padded, its attention_mask and HF generate's position_ids;
    /// gen_input_ids / gen_attention_mask: two prompts of different lengths, left-padded as the generator pads them.
    /// </summary>
    private static Dictionary<string, Tensor> Inputs(int vocabulary, ulong seed)
    {
        using var generator = new Generator(seed);
        var ids = randint(1, vocabulary, [Batch, Sequence], ScalarType.Int64, generator: generator);   // (B, T), 0 is the pad
        var mask = ones_like(ids);
        mask[1, TensorIndex.Slice(0, Padding)] = tensor(0L);
        var padded = ids.masked_fill(mask == 0, PadTokenId);
        var prompts = PromptLengths.Select((length, row) => ids[row, TensorIndex.Slice(0, length)].data<long>().Select(t => (int)t).ToArray()).ToList();
        var (promptIds, promptMask) = DecodingBatch.LeftPad(prompts, PadTokenId, CPU);              // (B, L)
        return new Dictionary<string, Tensor>
        {
            ["input_ids"] = ids,
            ["padded_ids"] = padded,
            ["attention_mask"] = mask,
            ["position_ids"] = AttentionMask.PositionIds(mask),
            ["gen_input_ids"] = promptIds,
            ["gen_attention_mask"] = promptMask,
        };
    }

    /// <summary>Adds {prefix}_logits_causal, {prefix}_logits_padded (B, T, V) fp32 and {prefix}_generated (B, NewTokens).</summary>
    private static void Predict(Qwen3ForCausalLM model, Dictionary<string, Tensor> tensors, string prefix)
    {
        tensors[$"{prefix}_logits_causal"] = model.forward(tensors["input_ids"]);
        tensors[$"{prefix}_logits_padded"] = model.forward(tensors["padded_ids"], tensors["attention_mask"], tensors["position_ids"], null);
        var prompts = Enumerable.Range(0, Batch).Select(row => Unpadded(tensors["gen_input_ids"][row], tensors["gen_attention_mask"][row])).ToList();
        var generated = new Qwen3Generator(model).Generate(prompts, new GenerationOptions { MaxNewTokens = NewTokens, PadTokenId = PadTokenId });
        tensors[$"{prefix}_generated"] = tensor(generated.SelectMany(g => g.Tokens.Select(t => (long)t)).ToArray(), [Batch, NewTokens]);
    }

    private static int[] Unpadded(Tensor ids, Tensor mask) =>
        ids.masked_select(mask.to(ScalarType.Bool)).data<long>().Select(t => (int)t).ToArray();
}
