namespace Platform.Inference.Engine;

/// <summary>
/// Waiting sequences, one FIFO per tenant. Admission visits tenants with the fewest running sequences first (ties: the
/// one waiting longest), so one tenant's flood cannot keep another tenant's request out of the next free slot.
/// </summary>
internal sealed class FairQueue
{
    private readonly Dictionary<string, LinkedList<Sequence>> byTenant = [];

    public int Count { get; private set; }

    public void Add(Sequence sequence)
    {
        if (!byTenant.TryGetValue(sequence.Request.TenantId, out var queue)) byTenant[sequence.Request.TenantId] = queue = new();
        queue.AddLast(sequence);
        Count++;
    }

    public void Remove(Sequence sequence)
    {
        var queue = byTenant[sequence.Request.TenantId];
        if (!queue.Remove(sequence)) return;
        Count--;
        if (queue.Count == 0) byTenant.Remove(sequence.Request.TenantId);
    }

    /// <summary>Every waiting sequence, tenants in fair order and each tenant's own in arrival order (a snapshot).</summary>
    public IReadOnlyList<Sequence> InFairOrder(Func<string, int> running) =>
        byTenant.OrderBy(t => running(t.Key)).ThenBy(t => t.Value.First!.Value.Order).SelectMany(t => t.Value).ToList();

    public IReadOnlyList<Sequence> All() => byTenant.Values.SelectMany(q => q).ToList();
}
