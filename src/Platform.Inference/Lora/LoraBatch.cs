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

    /// <summary>Where grouped stops paying: each group costs a handful of small ops per linear (bench serve: grouped won at 8, gathered at 32).</summary>
    public const int GroupedUpTo = 8;

    public LoraKernel Kernel { get; set; }
    public bool Gathered => Kernel == LoraKernel.Gathered || (Kernel == LoraKernel.Auto && groups.Count > GroupedUpTo);
    /// <summary>(B) int64 slot per row, for the gathered kernel.</summary>
    public Tensor? SlotPerRow { get; private set; }
    public IReadOnlyList<(int Slot, Tensor Rows, bool AllRows)> Groups => groups;
    public bool Active => groups.Count > 0;

    public void Set(IReadOnlyList<int> rowSlots, Device device)
    {
        Clear();
        if (rowSlots.All(s => s == 0)) return;
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
        SlotPerRow = null;
    }

    public void Dispose() => Clear();
}
