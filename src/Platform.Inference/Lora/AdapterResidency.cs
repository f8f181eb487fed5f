using System.Collections.Concurrent;
using Platform.Training.Lora;
using Platform.Training.Provenance;

namespace Platform.Inference.Lora;

/// <summary>
/// Which adapters sit in the table slots of the engine's <see cref="MultiLoraLinear"/>s (slot 0 is "none"). A missing
/// adapter is read from disk on the thread pool while the engine keeps decoding, then copied into a free slot, or into
/// the least recently used idle one (eviction). Pinned slots (adapters of running sequences) are never evicted.
/// An adapter is checked against the base (<see cref="AdapterCheck"/>) before a request for it is taken
/// (<see cref="Check"/>) and again, with its values, when it is read; one that fails is never installed, so its requests
/// end with the reason rather than running on the base alone.
/// Everything but <see cref="Check"/>, <see cref="RequestLoad"/>, <see cref="RequestUnload"/> and <see cref="ResidentIds"/>
/// runs on the engine thread.
/// </summary>
internal sealed class AdapterResidency(IReadOnlyDictionary<string, MultiLoraLinear> linears, int capacity, int maxRank, string baseWeightsSha256, Action wake)
{
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, Resident> resident = [];
    private readonly ConcurrentDictionary<string, byte> loading = new();
    private readonly ConcurrentQueue<(AdapterRef Adapter, AdapterWeights? Weights, Exception? Error)> loaded = new();
    private readonly List<(AdapterRef Adapter, AdapterWeights Weights)> waitingForSlot = [];
    private readonly ConcurrentQueue<string> unloads = new();
    private readonly Dictionary<string, (Exception Error, DateTime At)> failed = [];
    private readonly Dictionary<string, (long Out, long In)> shapes =
        linears.ToDictionary(l => l.Key, l => (l.Value.BaseLayer.weight!.shape[0], l.Value.BaseLayer.weight!.shape[1]));
    private readonly ConcurrentDictionary<string, (string Stamp, string? Problem)> checks = new();
    private long clock;

    private sealed class Resident(int slot)
    {
        public int Slot { get; } = slot;
        public int Pins { get; set; }
        public long LastUsed { get; set; }
        public bool Unloading { get; set; }
    }

    public string[] ResidentIds { get; private set; } = [];

    /// <summary>
    /// Throws <see cref="InvalidAdapterException"/> when the adapter's files do not fit this base (any thread). The verdict
    /// is kept until the files change, so a request pays for a header read only the first time.
    /// </summary>
    public void Check(AdapterRef adapter)
    {
        var stamp = Stamp(adapter.Folder);
        if (!checks.TryGetValue(adapter.Id, out var known) || known.Stamp != stamp)
        {
            var problems = AdapterCheck.Problems(adapter.Folder, shapes, baseWeightsSha256, maxRank);
            known = (stamp, problems.Count == 0 ? null : string.Join("; ", problems));
            checks[adapter.Id] = known;
        }
        if (known.Problem is { } problem) throw InvalidAdapterException.For(adapter.Id, problem);
    }

    private static string Stamp(string folder) => string.Join('|', new[] { LoraAdapter.ConfigFile, LoraAdapter.WeightsFile, BaseFingerprint.FileName }
        .Select(f => new FileInfo(Path.Combine(folder, f))).Select(f => f.Exists ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "-"));

    /// <summary>The adapter's slot, pinned; null while it loads (a load is started); throws if loading it failed.</summary>
    public int? TryPin(AdapterRef adapter)
    {
        if (failed.TryGetValue(adapter.Id, out var failure))
        {
            if (DateTime.UtcNow - failure.At < FailureMemory) throw InvalidAdapterException.For(adapter.Id, failure.Error.Message, failure.Error);
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
            try { loaded.Enqueue((adapter, AdapterWeights.Read(adapter.Folder, shapes, maxRank, baseWeightsSha256, CancellationToken.None), null)); }
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
            checks.TryRemove(id, out _);
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
            var (adapter, weights) = waitingForSlot[i];
            waitingForSlot.RemoveAt(i);
            try { Install(adapter.Id, weights, slot.Value); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The slot may hold part of it: clear it so nothing half-installed is ever used, and fail its requests.
                foreach (var linear in linears.Values) linear.Clear(slot.Value);
                failed[adapter.Id] = (e, DateTime.UtcNow);
            }
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
