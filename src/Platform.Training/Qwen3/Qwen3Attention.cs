using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// Qwen3Attention: GQA with RMSNorm on each query and key head before RoPE (modeling_qwen3.py).
/// SDPA in TorchSharp has no enable_gqa, so kv heads are expanded to the query heads (repeat_kv).
/// </summary>
public sealed class Qwen3Attention : nn.Module, ILinearContainer
{
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;
    private readonly Qwen3RMSNorm q_norm;
    private readonly Qwen3RMSNorm k_norm;
    private readonly int layerIndex;
    private readonly long heads;
    private readonly long kvHeads;
    private readonly long headDim;
    private readonly double attentionDropout;

    public Qwen3Attention(Qwen3Config config, int layerIndex, Qwen3Parameters parameters) : base(nameof(Qwen3Attention))
    {
        this.layerIndex = layerIndex;
        heads = config.NumAttentionHeads;
        kvHeads = config.KeyValueHeads;
        headDim = config.HeadDimension;
        attentionDropout = config.AttentionDropout;
        q_proj = parameters.Linear(config.HiddenSize, heads * headDim, config.AttentionBias);
        k_proj = parameters.Linear(config.HiddenSize, kvHeads * headDim, config.AttentionBias);
        v_proj = parameters.Linear(config.HiddenSize, kvHeads * headDim, config.AttentionBias);
        o_proj = parameters.Linear(heads * headDim, config.HiddenSize, config.AttentionBias);
        q_norm = new Qwen3RMSNorm(headDim, config.RmsNormEps, parameters);
        k_norm = new Qwen3RMSNorm(headDim, config.RmsNormEps, parameters);
        RegisterComponents();
    }

    /// <param name="hidden_states">(B, T, H)</param>
    /// <param name="cos">(B, T, D) from <see cref="Qwen3RotaryEmbedding"/>; likewise <paramref name="sin"/>.</param>
    /// <param name="mask">(B or 1, 1, T, S) boolean, or null for plain causal attention (or one query over all keys).</param>
    public Tensor forward(Tensor hidden_states, Tensor cos, Tensor sin, Tensor? mask, IKvCache? cache)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (hidden_states.shape[0], hidden_states.shape[1]);
        var query = q_norm.call(q_proj.call(hidden_states).view(batch, length, heads, headDim)).transpose(1, 2);  // (B, Hq, T, D)
        var key = k_norm.call(k_proj.call(hidden_states).view(batch, length, kvHeads, headDim)).transpose(1, 2);  // (B, Hkv, T, D)
        var value = v_proj.call(hidden_states).view(batch, length, kvHeads, headDim).transpose(1, 2);             // (B, Hkv, T, D)

        query = Qwen3RotaryEmbedding.Apply(query, cos, sin);
        key = Qwen3RotaryEmbedding.Apply(key, cos, sin);
        if (cache is not null) (key, value) = cache.Update(layerIndex, key, value);                              // (B, Hkv, S, D)
        var pastLength = key.shape[2] - length;

        key = RepeatKv(key);                                                                                      // (B, Hq, S, D)
        value = RepeatKv(value);                                                                                  // (B, Hq, S, D)
        if (mask is null && length > 1 && pastLength > 0)
            throw new ArgumentException("several new positions after a cache need an explicit mask", nameof(mask));
        var causal = mask is null && length > 1;
        var dropout = training ? attentionDropout : 0.0;
        var attended = nn.functional.scaled_dot_product_attention(query, key, value, mask, dropout, causal);       // (B, Hq, T, D)
        var merged = attended.transpose(1, 2).reshape(batch, length, heads * headDim);                            // (B, T, Hq*D)
        return o_proj.call(merged).MoveToOuterDisposeScope();                                                     // (B, T, H)
    }

    /// <summary>(B, Hkv, S, D) → (B, Hkv*n_rep, S, D): query head h reads kv head h / n_rep.</summary>
    private Tensor RepeatKv(Tensor x)
    {
        var repeats = heads / kvHeads;
        if (repeats == 1) return x;
        var (batch, length) = (x.shape[0], x.shape[2]);
        return x.unsqueeze(2).expand(batch, kvHeads, repeats, length, headDim)                                    // (B, Hkv, n_rep, S, D)
            .reshape(batch, heads, length, headDim);                                                              // (B, Hq, S, D)
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(q_proj): q_proj = replacement; break;
            case nameof(k_proj): k_proj = replacement; break;
            case nameof(v_proj): v_proj = replacement; break;
            case nameof(o_proj): o_proj = replacement; break;
            default: throw new ArgumentException($"{nameof(Qwen3Attention)} has no linear '{name}'", nameof(name));
        }
        register_module(name, null!);
        register_module(name, replacement);
    }
}
