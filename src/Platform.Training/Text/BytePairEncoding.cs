using System.Collections.Concurrent;
using System.Text;

namespace Platform.Training.Text;

/// <summary>
/// Byte-level BPE over one pre-token, merging the lowest-ranked pair first and the leftmost among equals,
/// as HF tokenizers' Word::merge_all does. Results are cached per pre-token.
/// </summary>
internal sealed class BytePairEncoding
{
    private const int CacheCapacity = 200_000;
    private const int MaxCachedPieceLength = 256;
    private const int MaxScannedPieceBytes = 64;

    private readonly int[] _byteIds = new int[256];
    private readonly Dictionary<long, (int Rank, int MergedId)> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    public BytePairEncoding(Dictionary<string, int> vocab, List<(string Left, string Right)> merges)
    {
        for (var b = 0; b < 256; b++) _byteIds[b] = vocab[ByteLevelAlphabet.ByteToChar[b].ToString()];
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            _merges.TryAdd(PairKey(vocab[left], vocab[right]), (rank, vocab[left + right]));
        }
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Encode(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_cacheBySpan.TryGetValue(piece, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        var encoded = Merge(piece);
        if (piece.Length <= MaxCachedPieceLength)
        {
            if (_cache.Count >= CacheCapacity) _cache.Clear();
            _cacheBySpan.TryAdd(piece, encoded);
        }
        ids.AddRange(encoded);
    }

    private int[] Merge(ReadOnlySpan<char> piece)
    {
        var byteCount = Encoding.UTF8.GetByteCount(piece);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(piece, bytes);
        return byteCount <= MaxScannedPieceBytes ? MergeByScanning(bytes) : MergeWithQueue(bytes);
    }

    /// <summary>Short pieces: rescan for the best pair after each merge; cheaper than a queue at this size.</summary>
    private int[] MergeByScanning(ReadOnlySpan<byte> bytes)
    {
        var count = bytes.Length;
        Span<int> symbols = stackalloc int[count];
        Span<int> ranks = stackalloc int[count];
        Span<int> mergedIds = stackalloc int[count];
        for (var i = 0; i < count; i++) symbols[i] = _byteIds[bytes[i]];
        for (var i = 0; i + 1 < count; i++) ranks[i] = RankOf(symbols[i], symbols[i + 1], out mergedIds[i]);

        while (count > 1)
        {
            var best = 0;
            for (var i = 1; i + 1 < count; i++)
                if (ranks[i] < ranks[best]) best = i;
            if (ranks[best] == int.MaxValue) break;

            symbols[best] = mergedIds[best];
            symbols[(best + 2)..count].CopyTo(symbols[(best + 1)..]);
            ranks[(best + 2)..count].CopyTo(ranks[(best + 1)..]);
            mergedIds[(best + 2)..count].CopyTo(mergedIds[(best + 1)..]);
            count--;
            if (best > 0) ranks[best - 1] = RankOf(symbols[best - 1], symbols[best], out mergedIds[best - 1]);
            if (best + 1 < count) ranks[best] = RankOf(symbols[best], symbols[best + 1], out mergedIds[best]);
        }
        return symbols[..count].ToArray();
    }

    private int RankOf(int left, int right, out int mergedId)
    {
        var found = _merges.TryGetValue(PairKey(left, right), out var merge);
        mergedId = merge.MergedId;
        return found ? merge.Rank : int.MaxValue;
    }

    /// <summary>Long pieces: HF's Word::merge_all with a priority queue of (rank, position).</summary>
    private int[] MergeWithQueue(ReadOnlySpan<byte> bytes)
    {
        var byteCount = bytes.Length;
        var symbols = new int[byteCount];
        var next = new int[byteCount];
        var prev = new int[byteCount];
        for (var i = 0; i < byteCount; i++)
        {
            symbols[i] = _byteIds[bytes[i]];
            prev[i] = i - 1;
            next[i] = i + 1 < byteCount ? i + 1 : -1;
        }

        // Priority (rank, position): the lowest rank first, then the leftmost.
        var queue = new PriorityQueue<int, long>();
        for (var i = 0; i + 1 < byteCount; i++) Enqueue(queue, symbols, i, i + 1);

        var alive = byteCount;
        while (queue.TryDequeue(out var left, out var priority))
        {
            var right = next[left];
            if (symbols[left] < 0 || right < 0) continue;
            if (!_merges.TryGetValue(PairKey(symbols[left], symbols[right]), out var merge) || merge.Rank != (int)(priority >> 32)) continue;

            symbols[left] = merge.MergedId;
            symbols[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            alive--;

            if (prev[left] >= 0) Enqueue(queue, symbols, prev[left], left);
            if (next[left] >= 0) Enqueue(queue, symbols, left, next[left]);
        }

        var result = new int[alive];
        for (int i = 0, n = 0; i >= 0; i = next[i]) result[n++] = symbols[i];
        return result;
    }

    private void Enqueue(PriorityQueue<int, long> queue, int[] symbols, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(symbols[left], symbols[right]), out var merge))
            queue.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
