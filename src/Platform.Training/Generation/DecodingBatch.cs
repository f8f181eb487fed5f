using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Generation;

/// <summary>
/// The model inputs of one decoding step for the rows still generating: first the left-padded prompts, then one new
/// token per row. Owns its tensors (outside any dispose scope).
/// </summary>
internal sealed class DecodingBatch : IDisposable
{
    public DecodingBatch(IReadOnlyList<int[]> prompts, int padTokenId, Device device)
    {
        (Tokens, Mask) = LeftPad(prompts, padTokenId, device);
        Positions = AttentionMask.PositionIds(Mask);
        Prompts = Enumerable.Range(0, prompts.Count).ToList();
    }

    /// <summary>(B, T) int64: the prompts, then the last chosen token of each row.</summary>
    public Tensor Tokens { get; private set; }
    /// <summary>(B, S) 1 for real tokens, over everything in the cache plus <see cref="Tokens"/>.</summary>
    public Tensor Mask { get; private set; }
    /// <summary>(B, T) RoPE positions of <see cref="Tokens"/>.</summary>
    public Tensor Positions { get; private set; }
    /// <summary>The prompt index of each row.</summary>
    public List<int> Prompts { get; private set; }

    /// <summary>Moves to the next step: keeps rows <paramref name="keep"/> (here and in the cache), feeds their tokens.</summary>
    public void Advance(long[] chosen, IReadOnlyList<int> keep, KvCache cache)
    {
        using var scope = NewDisposeScope();
        var device = Tokens.device;
        var tokens = tensor(chosen, ScalarType.Int64, device).view(-1, 1);                    // (B, 1)
        var mask = Mask;
        var last = Positions[TensorIndex.Colon, TensorIndex.Slice(-1, null)];                 // (B, 1)
        if (keep.Count < chosen.Length)
        {
            var rows = tensor(keep.Select(r => (long)r).ToArray(), ScalarType.Int64, device);
            cache.Select(rows);
            (tokens, mask, last) = (tokens.index_select(0, rows), mask.index_select(0, rows), last.index_select(0, rows));
            Prompts = keep.Select(r => Prompts[r]).ToList();
        }
        Replace(tokens, cat([mask, ones_like(tokens)], dim: 1), last + 1);                     // (B', 1), (B', S+1), (B', 1)
    }

    private void Replace(Tensor tokens, Tensor mask, Tensor positions)
    {
        Dispose();
        Tokens = tokens.DetachFromDisposeScope();
        Mask = mask.DetachFromDisposeScope();
        Positions = positions.DetachFromDisposeScope();
    }

    /// <summary>Prompts right-aligned in a (B, L) int64 batch, with a (B, L) mask of 1 for real tokens.</summary>
    public static (Tensor Ids, Tensor Mask) LeftPad(IReadOnlyList<int[]> prompts, int padTokenId, Device device)
    {
        var length = prompts.Max(p => p.Length);
        var ids = new long[prompts.Count * length];
        var mask = new long[prompts.Count * length];
        for (var row = 0; row < prompts.Count; row++)
        {
            var offset = row * length + length - prompts[row].Length;
            Array.Fill(ids, padTokenId, row * length, length - prompts[row].Length);
            for (var i = 0; i < prompts[row].Length; i++) (ids[offset + i], mask[offset + i]) = (prompts[row][i], 1);
        }
        return (tensor(ids, [prompts.Count, length], ScalarType.Int64, device),
            tensor(mask, [prompts.Count, length], ScalarType.Int64, device));
    }

    public void Dispose()
    {
        Tokens.Dispose();
        Mask.Dispose();
        Positions.Dispose();
    }
}
