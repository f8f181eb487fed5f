namespace Platform.Inference.Kv;

/// <summary>Free KV pages. Only the engine thread calls it.</summary>
internal sealed class PagePool(int pages)
{
    private readonly Stack<int> free = new(Enumerable.Range(0, pages).Reverse());

    public int Total { get; } = pages;
    public int Free => free.Count;

    /// <summary>n pages, or null when fewer are free (nothing is taken then).</summary>
    public int[]? Rent(int n)
    {
        if (n > free.Count) return null;
        var pages = new int[n];
        for (var i = 0; i < n; i++) pages[i] = free.Pop();
        return pages;
    }

    public void Return(int[] pages)
    {
        foreach (var page in pages) free.Push(page);
    }
}
