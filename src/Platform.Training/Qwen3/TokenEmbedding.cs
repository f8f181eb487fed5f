using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// nn.Embedding without padding_idx or max_norm, as Qwen3 uses it. Managed rather than TorchSharp's native Embedding:
/// that one keeps its own copy of the weight when moved between devices, so the registered parameter and the one
/// used by forward can part ways.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // (V, H)

    public TokenEmbedding(Parameter weight) : base(nameof(TokenEmbedding))
    {
        this.weight = weight;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <summary>(B, T) int64 → (B, T, H).</summary>
    public override Tensor forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var rows = weight.index_select(0, input_ids.reshape(-1));                      // (B*T, H)
        return rows.view([.. input_ids.shape, weight.shape[1]]).MoveToOuterDisposeScope(); // (B, T, H)
    }
}
