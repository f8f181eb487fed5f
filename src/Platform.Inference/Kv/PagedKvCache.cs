using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Kv;

/// <summary>One row of a forward: its pages, the positions already cached, and how many new tokens it feeds.</summary>
internal readonly record struct CacheRow(int[] Pages, int Past, int New);

/// <summary>
/// The engine's KV cache (vLLM's PagedAttention layout, gathered rather than fused): per layer one tensor of
/// (pages × page size, Hkv, D) keys and one of values, allocated once from a byte budget. Each row of a forward owns
/// a list of pages; <see cref="Begin"/> sets this forward's rows, then every layer's <see cref="Update"/> writes the rows'
/// new keys into their pages and returns each row's history gathered page by page, padded to the longest row.
/// </summary>
internal sealed class PagedKvCache : IKvCache, IDisposable
{
    private readonly Tensor[] keys;
    private readonly Tensor[] values;
    private readonly long kvHeads;
    private readonly long headDim;
    private Tensor? writeSlots;  // (N) flat cache positions of this forward's real new tokens
    private Tensor? newTokens;   // (N) their indices in the flattened (B*T) batch
    private Tensor? readPages;   // (B*P) pages to gather, page 0 where a row has fewer than P
    private long batch, length, pagesPerRow;

    public PagedKvCache(Qwen3Config config, long budgetBytes, int pageSize, ScalarType dtype, Device device)
    {
        kvHeads = config.KeyValueHeads;
        headDim = config.HeadDimension;
        PageSize = pageSize;
        PageCount = (int)Math.Min(int.MaxValue, budgetBytes / (pageSize * BytesPerToken(config, dtype)));
        if (PageCount < 1) throw new ArgumentException($"a KV budget of {budgetBytes} bytes holds no page of {pageSize} tokens");
        keys = new Tensor[config.NumHiddenLayers];
        values = new Tensor[config.NumHiddenLayers];
        for (var layer = 0; layer < keys.Length; layer++)
        {
            keys[layer] = zeros([(long)PageCount * pageSize, kvHeads, headDim], dtype, device).DetachFromDisposeScope();
            values[layer] = zeros([(long)PageCount * pageSize, kvHeads, headDim], dtype, device).DetachFromDisposeScope();
        }
    }

    public int PageSize { get; }
    public int PageCount { get; }
    public long Length => pagesPerRow * PageSize - length;

    /// <summary>Keys and values of every layer for one position.</summary>
    public static long BytesPerToken(Qwen3Config config, ScalarType dtype) =>
        2L * config.NumHiddenLayers * config.KeyValueHeads * config.HeadDimension * ElementSize(dtype);

    /// <summary>
    /// Lays out a forward of <paramref name="rows"/> feeding <paramref name="newLength"/> positions each (right-padded).
    /// Returns the (B, 1, T, S) attention mask: key j is visible to a row's query i when j ≤ past + i.
    /// </summary>
    public Tensor Begin(IReadOnlyList<CacheRow> rows, long newLength, Device device)
    {
        End();
        (batch, length) = (rows.Count, newLength);
        pagesPerRow = rows.Max(r => (r.Past + r.New + PageSize - 1) / PageSize);
        var write = new List<long>();
        var index = new List<long>();
        var read = new long[batch * pagesPerRow];
        var queryPositions = new long[batch * newLength];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (var i = 0; i < row.New; i++)
            {
                var position = row.Past + i;
                write.Add((long)row.Pages[position / PageSize] * PageSize + position % PageSize);
                index.Add(r * newLength + i);
            }
            var used = (row.Past + row.New + PageSize - 1) / PageSize;
            for (var p = 0; p < used; p++) read[r * pagesPerRow + p] = row.Pages[p];
            for (var i = 0; i < newLength; i++) queryPositions[r * newLength + i] = row.Past + i;
        }
        writeSlots = tensor(write.ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
        newTokens = tensor(index.ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();
        readPages = tensor(read, ScalarType.Int64, device).DetachFromDisposeScope();

        using var scope = NewDisposeScope();
        var keyPositions = arange(pagesPerRow * PageSize, ScalarType.Int64, device).view(1, 1, 1, -1);    // (1, 1, 1, S)
        var queries = tensor(queryPositions, [batch, 1, newLength, 1], ScalarType.Int64, device);          // (B, 1, T, 1)
        return (keyPositions <= queries).MoveToOuterDisposeScope();                                       // (B, 1, T, S)
    }

    /// <summary>key, value (B, Hkv, T, D) → the rows' whole histories (B, Hkv, S, D), S = pages per row × page size.</summary>
    public (Tensor Keys, Tensor Values) Update(int layer, Tensor key, Tensor value)
    {
        if (writeSlots is null) throw new InvalidOperationException("Begin a forward before running it");
        return (Store(keys[layer], key), Store(values[layer], value));
    }

    private Tensor Store(Tensor storage, Tensor step)
    {
        using var scope = NewDisposeScope();
        var flat = step.transpose(1, 2).reshape(batch * length, kvHeads, headDim).index_select(0, newTokens!); // (N, Hkv, D)
        storage.index_copy_(0, writeSlots!, flat.to(storage.dtype));
        return storage.view(PageCount, PageSize, kvHeads, headDim).index_select(0, readPages!)          // (B*P, page, Hkv, D)
            .view(batch, pagesPerRow * PageSize, kvHeads, headDim).transpose(1, 2)                    // (B, Hkv, S, D)
            .to(step.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Forgets the forward's layout (its index tensors).</summary>
    public void End()
    {
        writeSlots?.Dispose();
        newTokens?.Dispose();
        readPages?.Dispose();
        (writeSlots, newTokens, readPages) = (null, null, null);
    }

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        _ => throw new NotSupportedException($"KV cache dtype {dtype}"),
    };

    public void Dispose()
    {
        End();
        foreach (var t in keys.Concat(values)) t.Dispose();
    }
}
