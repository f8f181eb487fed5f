using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;
using Platform.Domain.Placement;

namespace Platform.Domain.Workers;

/// <summary>Lives on an API silo: a killed worker must not take the directory (and every job admission) with it.</summary>
[ApiSiloPlacement]
public sealed class WorkerDirectoryGrain(IOptions<WorkerDirectoryOptions> options, IGrainFactory grains, TimeProvider clock)
    : Grain, IWorkerDirectoryGrain
{
    private readonly Dictionary<string, LiveWorker> _workers = new(StringComparer.Ordinal);

    public Task Announce(WorkerAnnouncement worker)
    {
        var before = AvailableSlotsNow();
        _workers[worker.WorkerId] = new LiveWorker(worker, clock.GetUtcNow());
        // New capacity: let the scheduler use it now rather than at its next sweep.
        if (AvailableSlotsNow() > before) grains.GetGrain<IJobSchedulerGrain>(IJobSchedulerGrain.Key).Kick().Ignore();
        return Task.CompletedTask;
    }

    public Task Leave(string workerId)
    {
        _workers.Remove(workerId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LiveWorker>> Live()
    {
        Expire();
        return Task.FromResult<IReadOnlyList<LiveWorker>>(_workers.Values.OrderBy(w => w.Worker.WorkerId, StringComparer.Ordinal).ToList());
    }

    public Task<int> AvailableSlots() => Task.FromResult(AvailableSlotsNow());

    private int AvailableSlotsNow()
    {
        Expire();
        return _workers.Values.Where(w => !w.Worker.Draining).Sum(w => w.Worker.Slots);
    }

    private void Expire()
    {
        var cutoff = clock.GetUtcNow() - options.Value.LivenessWindow;
        foreach (var id in _workers.Where(w => w.Value.LastSeen < cutoff).Select(w => w.Key).ToList()) _workers.Remove(id);
    }
}

public sealed class WorkerDirectoryOptions
{
    public const string Section = "Workers";
    /// <summary>How often each worker announces itself.</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A worker not heard from for this long is no longer live (three missed announcements by default).</summary>
    public TimeSpan LivenessWindow { get; set; } = TimeSpan.FromSeconds(15);
}
