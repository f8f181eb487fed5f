using System.Collections.Concurrent;

namespace Platform.Inference.Lora;

/// <summary>
/// Which adapters sit in the table slots of the engine's <see cref="MultiLoraLinear"/>s (slot 0 is "none"). A missing
/// adapter is read from disk on the thread pool while the engine keeps decoding, then copied into a free slot, or into
/// the least recently used idle one (eviction). Pinned slots (adapters of running sequences) are never evicted.
/// Everything but <see cref="RequestLoad"/>, <see cref="RequestUnload"/> and <see cref="ResidentIds"/> runs on the engine thread.
/// </summary>
internal sealed class AdapterResidency(IReadOnlyDictionary<string, MultiLoraLinear> linears, int capacity, int maxRank, Action wake)
{
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, Resident> resident = [];
    private readonly ConcurrentDictionary<string, byte> loading = new();
    private readonly ConcurrentQueue<(AdapterRef Adapter, AdapterWeights? Weights, Exception? Error)> loaded = new();
    private readonly List<(AdapterRef Adapter, AdapterWeights Weights)> waitingForSlot = [];
    private readonly ConcurrentQueue<string> unloads = new();
    private readonly Dictionary<string, (Exception Error, DateTime At)> failed = [];
    private readonly HashSet<string> modules = [.. linears.Keys];
    private long clock;

    private sealed class Resident(int slot)
    {
        public int Slot { get; } = slot;
        public int Pins { get; set; }
        public long LastUsed { get; set; }
        public bool Unloading { get; set; }
    }

    public string[] ResidentIds { get; private set; } = [];

    /// <summary>The adapter's slot, pinned; null while it loads (a load is started); throws if loading it failed.</summary>
    public int? TryPin(AdapterRef adapter)
    {
        if (failed.TryGetValue(adapter.Id, out var failure))
        {
            if (DateTime.UtcNow - failure.At < FailureMemory) throw new InvalidDataException($"adapter '{adapter.Id}' cannot be loaded: {failure.Error.Message}", failure.Error);
            failed.Remove(adapter.Id);
        }
        if (resident.TryGetValue(adapter.Id, out var entry) && !entry.Unloading)
        {
            entry.Pins++;
            entry.LastUsed = ++clock;
            return entry.Slot;
        }
        RequestLoad(adapter);
        return null;
    }

    public void Unpin(string adapterId)
    {
        var entry = resident[adapterId];
        entry.Pins--;
        if (entry.Pins == 0 && entry.Unloading) Evict(adapterId);
    }

    /// <summary>Starts reading the adapter unless it is resident or already being read (any thread).</summary>
    public void RequestLoad(AdapterRef adapter)
    {
        if (resident.ContainsKey(adapter.Id) || !loading.TryAdd(adapter.Id, 0)) return;
        _ = Task.Run(() =>
        {
            try { loaded.Enqueue((adapter, AdapterWeights.Read(adapter.Folder, modules, maxRank, CancellationToken.None), null)); }
            catch (Exception e) { loaded.Enqueue((adapter, null, e)); }
            wake();
        });
    }

    /// <summary>Drops the adapter now, or when its last running sequence ends (any thread).</summary>
    public void RequestUnload(string adapterId)
    {
        unloads.Enqueue(adapterId);
        wake();
    }

    /// <summary>Applies finished reads and unload requests: copies weights into free (or evicted idle) slots.</summary>
    public void Apply()
    {
        while (unloads.TryDequeue(out var id))
        {
            if (resident.TryGetValue(id, out var entry))
            {
                entry.Unloading = true;
                if (entry.Pins == 0) Evict(id);
            }
            waitingForSlot.RemoveAll(w => w.Adapter.Id == id && Dispose(w.Weights));
        }
        while (loaded.TryDequeue(out var item))
        {
            loading.TryRemove(item.Adapter.Id, out _);
            if (item.Error is not null) failed[item.Adapter.Id] = (item.Error, DateTime.UtcNow);
            else waitingForSlot.Add((item.Adapter, item.Weights!));
        }
        for (var i = 0; i < waitingForSlot.Count;)
        {
            var slot = FreeSlot();
            if (slot is null) break;
            Install(waitingForSlot[i].Adapter.Id, waitingForSlot[i].Weights, slot.Value);
            waitingForSlot.RemoveAt(i);
        }
        ResidentIds = [.. resident.Where(r => !r.Value.Unloading).Select(r => r.Key)];
    }

    private int? FreeSlot()
    {
        var used = resident.Values.Select(r => r.Slot).ToHashSet();
        for (var slot = 1; slot <= capacity; slot++) if (!used.Contains(slot)) return slot;
        var idle = resident.Where(r => r.Value.Pins == 0).OrderBy(r => r.Value.LastUsed).Select(r => r.Key).FirstOrDefault();
        if (idle is null) return null;
        var freed = resident[idle].Slot;
        Evict(idle);
        return freed;
    }

    private void Install(string id, AdapterWeights weights, int slot)
    {
        using (weights)
            foreach (var (name, linear) in linears)
                if (weights.Modules.TryGetValue(name, out var ab)) linear.Load(slot, ab.A, ab.B, weights.Config.Scaling);
                else linear.Clear(slot);
        resident[id] = new Resident(slot) { LastUsed = ++clock };
    }

    private void Evict(string id)
    {
        var slot = resident[id].Slot;
        foreach (var linear in linears.Values) linear.Clear(slot);
        resident.Remove(id);
    }

    private static bool Dispose(AdapterWeights weights)
    {
        weights.Dispose();
        return true;
    }
}
