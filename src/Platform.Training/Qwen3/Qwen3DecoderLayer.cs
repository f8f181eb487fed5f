using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
public sealed class Qwen3DecoderLayer : nn.Module
{
    private readonly Qwen3Attention self_attn;
    private readonly Qwen3MLP mlp;
    private readonly Qwen3RMSNorm input_layernorm;
    private readonly Qwen3RMSNorm post_attention_layernorm;

    public Qwen3DecoderLayer(Qwen3Config config, int layerIndex, Qwen3Parameters parameters) : base(nameof(Qwen3DecoderLayer))
    {
        self_attn = new Qwen3Attention(config, layerIndex, parameters);
        mlp = new Qwen3MLP(config, parameters);
        input_layernorm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, parameters);
        post_attention_layernorm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, parameters);
        RegisterComponents();
    }

    /// <summary>(B, T, H) → (B, T, H).</summary>
    public Tensor forward(Tensor hidden_states, Tensor cos, Tensor sin, Tensor? mask, IKvCache? cache)
    {
        using var scope = NewDisposeScope();
        var attended = hidden_states + self_attn.forward(input_layernorm.call(hidden_states), cos, sin, mask, cache);
        return (attended + mlp.call(post_attention_layernorm.call(attended))).MoveToOuterDisposeScope();
    }
}
