using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// Default RoPE of modeling_qwen3.py: inv_freq = 1 / theta^(2i/d), angles computed in fp32, cos/sin duplicated over both
/// halves of the head (the rotate_half convention, not interleaved pairs).
/// </summary>
public sealed class Qwen3RotaryEmbedding : nn.Module
{
    private readonly Tensor inv_freq; // (D/2) fp32, not in the state dict

    public Qwen3RotaryEmbedding(Qwen3Config config, Device device) : base(nameof(Qwen3RotaryEmbedding))
    {
        var dim = config.HeadDimension;
        // A scope for the temporaries: without one, a temporary whose handle is being read by native code can be
        // finalized by a GC on another thread (models are built on long-running worker and engine threads).
        using (NewDisposeScope())
        {
            var exponent = arange(0, dim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / dim;   // (D/2)
            inv_freq = tensor((float)config.RopeBase, ScalarType.Float32, device).pow(exponent).reciprocal().DetachFromDisposeScope();
        }
        register_buffer(nameof(inv_freq), inv_freq, persistent: false);
        RegisterComponents();
    }

    /// <summary>position_ids (B, T) int64 → cos, sin (B, T, D) in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) forward(Tensor position_ids, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var freqs = position_ids.unsqueeze(-1).to(ScalarType.Float32) * inv_freq.to(position_ids.device); // (B, T, D/2)
        var emb = cat([freqs, freqs], dim: -1);                                                             // (B, T, D)
        return (emb.cos().to(dtype).MoveToOuterDisposeScope(), emb.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>x * cos + rotate_half(x) * sin for x (B, heads, T, D) and cos, sin (B, T, D).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        return (x * cos.unsqueeze(1) + RotateHalf(x) * sin.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>(x1, x2) → (-x2, x1) over the two halves of the last dimension.</summary>
    public static Tensor RotateHalf(Tensor x)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var x1 = x[TensorIndex.Ellipsis, TensorIndex.Slice(0, half)];
        var x2 = x[TensorIndex.Ellipsis, TensorIndex.Slice(half, null)];
        return cat([-x2, x1], dim: -1).MoveToOuterDisposeScope();
    }
}
