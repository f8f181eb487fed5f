using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Lora;

/// <summary>
/// Which adapter slot each row of the current forward uses (0 = none), shared by every <see cref="MultiLoraLinear"/>
/// of the engine's model. Set before a forward, cleared after; the index tensors are built once per forward.
/// </summary>
internal sealed class LoraBatch : IDisposable
{
    private readonly List<(int Slot, Tensor Rows, bool AllRows)> groups = [];
    private int[] lastPresent = [];
    private int adapters;   // distinct adapters in this forward

    public LoraKernel Kernel { get; set; }
    /// <summary>The kernel this forward uses (<see cref="LoraKernel.Auto"/> resolved), fixed when the forward is set.</summary>
    public LoraKernel Effective { get; private set; }

    /// <summary>
    /// Where stacked stops paying: its matmuls grow with rows × adapters present, gathered's copies only with rows
    /// (bench serve, quiet: equal at 8 adapters, gathered 1.12× at 32; docs/benchmarks.md).
    /// </summary>
    public const int StackedUpTo = 16;
    /// <summary>Rows of each adapter present, for the grouped kernel.</summary>
    public IReadOnlyList<(int Slot, Tensor Rows, bool AllRows)> Groups => groups;
    /// <summary>(B) int64 slot per row, for the gathered kernel.</summary>
    public Tensor? SlotPerRow { get; private set; }
    /// <summary>(k) int64 the distinct slots of this forward, for the stacked kernel.</summary>
    public Tensor? PresentSlots { get; private set; }
    /// <summary>(B, 1, k·R) fp32: 1 on each row's own adapter's R columns of the stacked tables, 0 elsewhere.</summary>
    public Tensor? ColumnMask { get; private set; }
    /// <summary>Changes whenever the set (and order) of adapters present changes; stacked tables built for one stay valid.</summary>
    public long Composition { get; private set; }
    public bool Active => adapters > 0;

    /// <summary>
    /// Lays out this forward's rows, each feeding <paramref name="tokensPerRow"/> positions, for the kernel it will use
    /// (only that kernel's index tensors are built).
    /// </summary>
    public void Set(IReadOnlyList<int> rowSlots, int tokensPerRow, int maxRank, Device device)
    {
        Clear();
        var present = rowSlots.Where(s => s != 0).Distinct().Order().ToList();
        adapters = present.Count;
        if (adapters == 0) return;
        Effective = Kernel != LoraKernel.Auto ? Kernel : Auto(adapters, (long)rowSlots.Count * tokensPerRow);
        switch (Effective)
        {
            case LoraKernel.Stacked:
                if (!present.SequenceEqual(lastPresent)) (Composition, lastPresent) = (Composition + 1, present.ToArray());
                var mask = new float[rowSlots.Count * adapters * maxRank];
                for (var row = 0; row < rowSlots.Count; row++)
                    if (rowSlots[row] != 0) Array.Fill(mask, 1f, (row * adapters + present.IndexOf(rowSlots[row])) * maxRank, maxRank);
                PresentSlots = tensor(present.Select(s => (long)s).ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
                ColumnMask = tensor(mask, [rowSlots.Count, 1, adapters * maxRank], ScalarType.Float32, device).DetachFromDisposeScope();
                break;
            case LoraKernel.Gathered:
                SlotPerRow = tensor(rowSlots.Select(s => (long)s).ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
                break;
            default:
                foreach (var group in rowSlots.Select((slot, row) => (slot, row)).Where(r => r.slot != 0).GroupBy(r => r.slot))
                {
                    var rows = group.Select(r => (long)r.row).ToArray();
                    groups.Add((group.Key, tensor(rows, ScalarType.Int64, device).DetachFromDisposeScope(), rows.Length == rowSlots.Count));
                }
                break;
        }
    }

    /// <summary>
    /// Decode steps: stacked up to <see cref="StackedUpTo"/> adapters, gathered beyond. A prefill (more positions than a
    /// decode step has rows) runs grouped: stacked would multiply every position by every present adapter (k times the
    /// FLOPs, 8× at multi8's 1,024-token prefill), grouped only by its own, and its per-adapter ops are few per token.
    /// </summary>
    private static LoraKernel Auto(int adapters, long positions) =>
        positions > DecodeProjection.MaxRows ? LoraKernel.Grouped : adapters > StackedUpTo ? LoraKernel.Gathered : LoraKernel.Stacked;

    public void Clear()
    {
        foreach (var group in groups) group.Rows.Dispose();
        groups.Clear();
        SlotPerRow?.Dispose();
        PresentSlots?.Dispose();
        ColumnMask?.Dispose();
        (SlotPerRow, PresentSlots, ColumnMask, adapters) = (null, null, null, 0);
    }

    public void Dispose() => Clear();
}
