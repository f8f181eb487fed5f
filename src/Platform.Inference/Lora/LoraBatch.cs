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


    public LoraKernel Kernel { get; set; }
    /// <summary>The kernel this forward uses (<see cref="LoraKernel.Auto"/> resolved).</summary>
    public LoraKernel Effective => Kernel != LoraKernel.Auto ? Kernel : groups.Count > StackedUpTo ? LoraKernel.Gathered : LoraKernel.Stacked;

    /// <summary>
    /// Where stacked stops paying: its matmuls grow with rows × adapters present, gathered's copies only with rows
    /// (bench serve, quiet: equal at 8 adapters, gathered 1.12× at 32; docs/benchmarks.md).
    /// </summary>
    public const int StackedUpTo = 16;
    /// <summary>(B) int64 slot per row, for the gathered kernel.</summary>
    public Tensor? SlotPerRow { get; private set; }
    /// <summary>(k) int64 the distinct slots of this forward, for the stacked kernel.</summary>
    public Tensor? PresentSlots { get; private set; }
    /// <summary>(B, 1, k·R) fp32: 1 on each row's own adapter's R columns of the stacked tables, 0 elsewhere.</summary>
    public Tensor? ColumnMask { get; private set; }
    /// <summary>Changes whenever the set (and order) of adapters present changes; stacked tables built for one stay valid.</summary>
    public long Composition { get; private set; }
    private int[] lastPresent = [];
    public IReadOnlyList<(int Slot, Tensor Rows, bool AllRows)> Groups => groups;
    public bool Active => groups.Count > 0;

    public void Set(IReadOnlyList<int> rowSlots, int maxRank, Device device)
    {
        Clear();
        if (rowSlots.All(s => s == 0)) return;
        var present = rowSlots.Where(s => s != 0).Distinct().Order().ToList();
        if (!present.SequenceEqual(lastPresent)) (Composition, lastPresent) = (Composition + 1, present.ToArray());
        var mask = new float[rowSlots.Count * present.Count * maxRank];
        for (var row = 0; row < rowSlots.Count; row++)
        {
            if (rowSlots[row] == 0) continue;
            var start = (row * present.Count + present.IndexOf(rowSlots[row])) * maxRank;
            Array.Fill(mask, 1f, start, maxRank);
        }
        PresentSlots = tensor(present.Select(s => (long)s).ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
        ColumnMask = tensor(mask, [rowSlots.Count, 1, present.Count * maxRank], ScalarType.Float32, device).DetachFromDisposeScope();
        foreach (var group in rowSlots.Select((slot, row) => (slot, row)).Where(r => r.slot != 0).GroupBy(r => r.slot))
        {
            var rows = group.Select(r => (long)r.row).ToArray();
            groups.Add((group.Key, tensor(rows, ScalarType.Int64, device).DetachFromDisposeScope(), rows.Length == rowSlots.Count));
        }
        SlotPerRow = tensor(rowSlots.Select(s => (long)s).ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
    }

    public void Clear()
    {
        foreach (var group in groups) group.Rows.Dispose();
        groups.Clear();
        SlotPerRow?.Dispose();
        PresentSlots?.Dispose();
        ColumnMask?.Dispose();
        (SlotPerRow, PresentSlots, ColumnMask) = (null, null, null);
    }

    public void Dispose() => Clear();
}
