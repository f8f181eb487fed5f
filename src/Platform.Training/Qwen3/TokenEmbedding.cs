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
    private Parameter weight; // (V, H)

    public TokenEmbedding(Parameter weight) : base(nameof(TokenEmbedding))
    {
        this.weight = weight;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <summary>
    /// Swaps in a copy of the matrix, leaving the current one to whoever else holds it (a tied head). TorchSharp's
    /// Linear disposes a weight it is given a replacement for, so untying must move the embedding, not the head.
    /// </summary>
    public void TakeOwnCopy()
    {
        using (no_grad()) weight = new Parameter(TensorCopies.DetachedCopy(weight), weight.requires_grad);
        ConditionallyRegisterParameter(nameof(weight), weight);
    }

    /// <summary>(B, T) int64 → (B, T, H).</summary>
    public override Tensor forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var rows = weight.index_select(0, input_ids.reshape(-1));                      // (B*T, H)
        return rows.view([.. input_ids.shape, weight.shape[1]]).MoveToOuterDisposeScope(); // (B, T, H)
    }
}
