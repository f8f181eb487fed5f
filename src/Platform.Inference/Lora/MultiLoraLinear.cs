using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Inference.Lora;

/// <summary>
/// A frozen base linear plus a table of resident adapters: y = base(x) + scaling_s · B_s A_s x for each row's slot s
/// (S-LoRA / Punica). Slot 0 is "no adapter" and is never computed; weights are never merged into the base.
/// Table rows are padded with zeros to the largest rank, so adapters of different ranks share one table.
/// </summary>
internal sealed class MultiLoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly Linear base_layer;
    private readonly LoraBatch batch;
    private readonly Tensor tableA;   // (slots, R, in) fp32
    private readonly Tensor tableB;   // (slots, R, out) fp32: B transposed, so stacked adapters are one (k·R, out) matrix
    private readonly Tensor scales;   // (slots) fp32, 0 where a slot has no weights for this linear
    private readonly int[] ranks;
    private readonly double[] scaling;
    private Tensor? stackedA;         // (k·R, in) the adapters of batch composition stackedFor, for the stacked kernel
    private Tensor? stackedB;         // (out, k·R) their B, each scaled, transposed (the layout DecodeProjection reads)
    private long stackedFor = -1;

    public MultiLoraLinear(Linear baseLayer, int slots, int maxRank, LoraBatch batch) : base(nameof(MultiLoraLinear))
    {
        base_layer = baseLayer;
        this.batch = batch;
        var (outFeatures, inFeatures) = (baseLayer.weight.shape[0], baseLayer.weight.shape[1]);
        var device = baseLayer.weight.device;
        tableA = zeros([slots, maxRank, inFeatures], ScalarType.Float32, device).DetachFromDisposeScope();
        tableB = zeros([slots, maxRank, outFeatures], ScalarType.Float32, device).DetachFromDisposeScope();
        scales = zeros([slots], ScalarType.Float32, device).DetachFromDisposeScope();
        ranks = new int[slots];
        scaling = new double[slots];
        RegisterComponents();
    }

    public Linear BaseLayer => base_layer;

    /// <summary>Copies an adapter's A (r, in) and B (out, r) into <paramref name="slot"/>.</summary>
    public void Load(int slot, Tensor a, Tensor b, double scale)
    {
        // The scope holds every temporary (slot views, their results) until the native calls on them are done: a view
        // only the finalizer would free could be collected during its own zero_ or copy_ and crash libtorch (seen once,
        // a SIGSEGV in THSTensor_zeros_out on the engine thread).
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Clear(slot);
        var rank = a.shape[0];
        tableA[slot].narrow(0, 0, rank).copy_(a);
        tableB[slot].narrow(0, 0, rank).copy_(b.t());
        scales[slot].fill_(scale);
        (ranks[slot], scaling[slot]) = ((int)rank, scale);
    }

    public void Clear(int slot)
    {
        DropStacked();
        using var scope = NewDisposeScope(); // see Load
        using var _ = no_grad();
        tableA[slot].zero_();
        tableB[slot].zero_();
        scales[slot].zero_();
        (ranks[slot], scaling[slot]) = (0, 0);
    }

    /// <summary>(B, T, in) → (B, T, out).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = Base(x);
        if (!batch.Active) return y.MoveToOuterDisposeScope();
        switch (batch.Effective)
        {
            case LoraKernel.Gathered: y = y + Gathered(x).to(y.dtype); break;
            case LoraKernel.Stacked: y = y + Stacked(x).to(y.dtype); break;
            default: Grouped(x, y); break;
        }
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The frozen base: x·Wᵀ (+ b); a decode step's few rows through <see cref="DecodeProjection"/>.</summary>
    private Tensor Base(Tensor x) => DecodeProjection.Linear(x, base_layer);

    /// <summary>One pair of small matmuls per adapter present, added into that adapter's rows.</summary>
    private void Grouped(Tensor x, Tensor y)
    {
        foreach (var (slot, rows, allRows) in batch.Groups)
        {
            var rank = ranks[slot];
            if (rank == 0) continue;
            using var scope = NewDisposeScope();
            var xs = (allRows ? x : x.index_select(0, rows)).to(ScalarType.Float32);                 // (n, T, in)
            var a = tableA[slot].narrow(0, 0, rank);                                                // (r, in)
            var b = tableB[slot].narrow(0, 0, rank);                                                // (r, out)
            var delta = (xs.matmul(a.t()).matmul(b) * scaling[slot]).to(y.dtype);                  // (n, T, out)
            if (allRows) y.add_(delta);
            else y.index_add_(0, rows, delta, 1);
        }
    }

    /// <summary>Every row's A and B gathered from the table (zeros for slot 0), one bmm pair for the batch.</summary>
    private Tensor Gathered(Tensor x)
    {
        using var scope = NewDisposeScope();
        var slots = batch.SlotPerRow!;
        var a = tableA.index_select(0, slots);                                                      // (B, R, in)
        var b = tableB.index_select(0, slots);                                                      // (B, R, out)
        var scale = scales.index_select(0, slots).view(-1, 1, 1);                                   // (B, 1, 1)
        var hidden = x.to(ScalarType.Float32).bmm(a.transpose(1, 2));                               // (B, T, R)
        return (hidden.bmm(b) * scale).MoveToOuterDisposeScope();                                   // (B, T, out)
    }

    /// <summary>
    /// The k adapters present stacked: x · [A_1; …; A_k]ᵀ gives every row all k·R adapter activations; the batch's column
    /// mask keeps only the row's own R (zero for rows without an adapter); one matmul with the stacked, pre-scaled
    /// [s_1·B_1; …; s_k·B_k] adds the deltas. Zero-padded ranks and masked columns add exact zeros. The stacked tables are
    /// built when the batch's set of adapters changes and reused while it stays (every decode step of a steady batch).
    /// </summary>
    private Tensor Stacked(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (stackedFor != batch.Composition) Restack();
        var input = x.to(ScalarType.Float32);
        var rows = input.numel() / input.shape[^1];
        if (rows <= DecodeProjection.MaxRows && input.is_contiguous()
            && DecodeProjection.Applies(input.view(rows, -1), stackedA!) && stackedA!.shape[0] % 8 == 0)
        {
            // A decode step: both products as DecodeProjection (MKL would repack A and B on each of them).
            var shape = input.shape[..^1];
            var masked = DecodeProjection.Project(input.view(rows, -1), stackedA!).view([.. shape, -1]) * batch.ColumnMask!; // (B, T, k·R)
            return DecodeProjection.Project(masked.view(rows, -1), stackedB!).view([.. shape, -1]).MoveToOuterDisposeScope(); // (B, T, out)
        }
        var hidden = input.matmul(stackedA!.t()) * batch.ColumnMask!;                                 // (B, T, k·R)
        return hidden.matmul(stackedB!.t()).MoveToOuterDisposeScope();                             // (B, T, out)
    }

    private void Restack()
    {
        DropStacked();
        using var scope = NewDisposeScope();
        var present = batch.PresentSlots!;                                                          // (k)
        var rank = tableA.shape[1];
        stackedA = tableA.index_select(0, present).view(-1, tableA.shape[2]).DetachFromDisposeScope();   // (k·R, in)
        var columnScale = scales.index_select(0, present).repeat_interleave(rank).unsqueeze(1);          // (k·R, 1)
        stackedB = (tableB.index_select(0, present).view(-1, tableB.shape[2]) * columnScale).t().contiguous().DetachFromDisposeScope(); // (out, k·R)
        stackedFor = batch.Composition;
    }

    private void DropStacked()
    {
        stackedA?.Dispose();
        stackedB?.Dispose();
        (stackedA, stackedB, stackedFor) = (null, null, -1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            tableA.Dispose();
            tableB.Dispose();
            scales.Dispose();
            DropStacked();
        }
        base.Dispose(disposing);
    }
}
