using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>Boolean masks for scaled_dot_product_attention (true = may attend).</summary>
public static class AttentionMask
{
    /// <summary>
    /// Causal mask for <paramref name="queryLength"/> new positions after <paramref name="pastLength"/> cached ones,
    /// combined with a (B, S) padding mask (1 = real token) when given: (B or 1, 1, T, S).
    /// Returns null without padding when SDPA needs none: one query over all keys, or a fresh causal pass
    /// (SDPA's is_casual, which is top-left aligned and so only right without a cache).
    /// A query whose keys are all masked (a left-pad position) may attend to itself, so its softmax stays finite
    /// (all -inf would give NaN, and NaN values leak into real rows through 0 * NaN).
    /// </summary>
    public static Tensor? Build(Tensor? padding, long queryLength, long pastLength, Device device)
    {
        if (padding is null && (queryLength == 1 || pastLength == 0)) return null;
        using var scope = NewDisposeScope();
        var keyLength = pastLength + queryLength;
        var queryPositions = arange(pastLength, keyLength, ScalarType.Int64, device).view(queryLength, 1); // (T, 1)
        var keyPositions = arange(0, keyLength, ScalarType.Int64, device).view(1, keyLength);             // (1, S)
        var mask = (keyPositions <= queryPositions).view(1, 1, queryLength, keyLength);                   // (1, 1, T, S)
        if (padding is not null)
        {
            var real = padding.to(ScalarType.Bool).view(padding.shape[0], 1, 1, keyLength);                // (B, 1, 1, S)
            mask = mask.logical_and(real).logical_or((keyPositions == queryPositions).view(1, 1, queryLength, keyLength));
        }
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>HF generate's position ids for left-padded rows: count real tokens, pads get 1. (B, S) → (B, S).</summary>
    public static Tensor PositionIds(Tensor padding)
    {
        using var scope = NewDisposeScope();
        var mask = padding.to(ScalarType.Int64);
        return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1).MoveToOuterDisposeScope();
    }
}
