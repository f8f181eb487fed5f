// Qwen3 causal language model, numerically as transformers/models/qwen3/modeling_qwen3.py (Qwen3ForCausalLM).
// Module tree and parameter names equal HF's state-dict keys (model.layers.N.self_attn.q_proj.weight, …, lm_head.weight)
// so checkpoints load key for key.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

public sealed class Qwen3ForCausalLM : nn.Module<Tensor, Tensor>, ILinearContainer
{
    private readonly Qwen3Model model;
    private nn.Module<Tensor, Tensor> lm_head; // a Linear, or LoRA around it

    public Qwen3ForCausalLM(Qwen3Config config, Qwen3Parameters? parameters = null) : base(nameof(Qwen3ForCausalLM))
    {
        TorchRuntime.EnsureInitialized();
        Config = config.Validated();
        Parameters = parameters ?? Qwen3Parameters.Cpu();
        model = new Qwen3Model(config, Parameters);
        lm_head = Parameters.Linear(config.HiddenSize, config.VocabSize, bias: false);
        RegisterComponents();
        TieWeights();
    }

    public Qwen3Config Config { get; private set; }
    public Qwen3Parameters Parameters { get; }
    public Qwen3Model Model => model;
    public nn.Module<Tensor, Tensor> LmHead => lm_head;

    /// <summary>The head's own linear (under a LoRA wrapper, its base layer).</summary>
    public Linear LmHeadLinear => lm_head as Linear ?? ((IWrapsLinear)lm_head).BaseLayer;

    /// <summary>With tie_word_embeddings, lm_head.weight is the embedding matrix itself (one tensor, two keys).</summary>
    public void TieWeights()
    {
        if (Config.TieWordEmbeddings) LmHeadLinear.weight = model.EmbedTokens.Weight;
    }

    /// <summary>
    /// Gives the head its own copy of the embedding matrix and records the model as untied, so a change to the head
    /// (merging a LoRA trained on it) leaves the input embeddings alone and is saved under lm_head.weight.
    /// </summary>
    public void UntieWeights()
    {
        if (!Config.TieWordEmbeddings) return;
        model.EmbedTokens.TakeOwnCopy();
        Config = Config with { TieWordEmbeddings = false };
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        if (name != nameof(lm_head)) throw new ArgumentException($"no linear '{name}' here", nameof(name));
        lm_head = replacement;
        register_module(name, null!);
        register_module(name, replacement);
    }

    /// <summary>HF's _init_weights: linear and embedding weights ~ N(0, initializer_range), norms 1, biases 0.</summary>
    public Qwen3ForCausalLM InitializeWeights(ulong seed)
    {
        using var generator = new Generator(seed, Parameters.Device);
        using var _ = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(1);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0, Config.InitializerRange, generator);
        }
        return this;
    }

    /// <summary>input_ids (B, T) → logits (B, T, V) over the whole sequence, no padding, no cache.</summary>
    public override Tensor forward(Tensor input_ids) => forward(input_ids, null, null, null);

    /// <summary>Logits (B, T, V); with <paramref name="lastPositionOnly"/> (B, 1, V), as HF's logits_to_keep=1.</summary>
    public Tensor forward(Tensor input_ids, Tensor? attention_mask, Tensor? position_ids, IKvCache? cache, bool lastPositionOnly = false)
    {
        using var scope = NewDisposeScope();
        var hidden = model.forward(input_ids, attention_mask, position_ids, cache);                // (B, T, H)
        if (lastPositionOnly) hidden = hidden[TensorIndex.Colon, TensorIndex.Slice(-1, null)];     // (B, 1, H)
        return lm_head.call(hidden).MoveToOuterDisposeScope();                                     // (B, T, V)
    }

    public KvCache NewCache() => new(Config.NumHiddenLayers);

    /// <summary>The state dict as HF saves it: a tied lm_head.weight is left out (it is the embedding).</summary>
    public Dictionary<string, Tensor> CheckpointStateDict()
    {
        var state = state_dict();
        if (Config.TieWordEmbeddings) state.Remove("lm_head.weight");
        return state;
    }
}
