namespace Platform.Domain.Workers;

/// <summary>
/// The cluster's live training workers (one grain, key <see cref="Key"/>). Soft state: workers re-announce every
/// interval, so if the grain's silo dies the directory refills within one interval on another silo.
/// </summary>
[Alias("Platform.IWorkerDirectoryGrain")]
public interface IWorkerDirectoryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    [Alias("Announce")] Task Announce(WorkerAnnouncement worker);
    /// <summary>A worker shutting down leaves at once instead of fading out after the liveness window.</summary>
    [Alias("Leave")] Task Leave(string workerId);
    /// <summary>Workers heard from within the liveness window, by worker id.</summary>
    [Alias("Live")] Task<IReadOnlyList<LiveWorker>> Live();
    /// <summary>Training slots of live workers that take new runs (not draining).</summary>
    [Alias("AvailableSlots")] Task<int> AvailableSlots();
}
