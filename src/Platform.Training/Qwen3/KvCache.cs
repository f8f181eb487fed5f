using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>
/// Keys and values of every layer for the positions seen so far (HF's DynamicCache): (B, Hkv, S, D) per layer,
/// after k_norm and RoPE. The tensors live outside any dispose scope until the cache is disposed.
/// </summary>
public sealed class KvCache : IKvCache, IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;

    public KvCache(int layers)
    {
        keys = new Tensor?[layers];
        values = new Tensor?[layers];
    }

    /// <summary>Positions already cached (S of layer 0).</summary>
    public long Length => keys[0]?.shape[2] ?? 0;

    /// <summary>Appends this step's (B, Hkv, T, D) keys and values; returns the whole (B, Hkv, S + T, D) history.</summary>
    public (Tensor Keys, Tensor Values) Update(int layer, Tensor key, Tensor value)
    {
        keys[layer] = Append(keys[layer], key);
        values[layer] = Append(values[layer], value);
        return (keys[layer]!, values[layer]!);
    }

    /// <summary>Keeps only the rows <paramref name="batchIndices"/> (e.g. dropping finished sequences).</summary>
    public void Select(Tensor batchIndices)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Replace(keys[i], keys[i]?.index_select(0, batchIndices));
            values[i] = Replace(values[i], values[i]?.index_select(0, batchIndices));
        }
    }

    private static Tensor Append(Tensor? past, Tensor step) =>
        Replace(past, past is null ? step.detach().clone() : cat([past, step.detach()], dim: 2))!;

    private static Tensor? Replace(Tensor? old, Tensor? next)
    {
        next?.DetachFromDisposeScope();
        old?.Dispose();
        return next;
    }

    public void Dispose()
    {
        foreach (var t in keys) t?.Dispose();
        foreach (var t in values) t?.Dispose();
        Array.Clear(keys);
        Array.Clear(values);
    }
}
