namespace Platform.Worker;

public sealed class WorkerOptions
{
    public const string Section = "Worker";
    /// <summary>Training runs this process holds at once (its consumer's concurrency).</summary>
    public int Slots { get; set; } = 1;
    /// <summary>How long a delivery waits for a free slot before it is handed back to the broker.</summary>
    public TimeSpan SlotWait { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Per-step metrics are sent to the job at most this often (the last step always).</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>"auto" (the first CUDA device when present, else the CPU), "cpu", or "cuda:N".</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Memory this worker offers for training, in bytes; unset: all of the device's (host RAM for the CPU).</summary>
    public long? MemoryBytes { get; set; }
    /// <summary>
    /// A delivery that cannot be accepted (no free slot, silo unreachable, job grain error) is tried again this many
    /// times, this far apart, before it faults (a fault fails the job, unless the cause was only a busy worker).
    /// </summary>
    public int AcceptRetries { get; set; } = 3;
    public TimeSpan AcceptRetryInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// How long a taken delivery keeps trying to reach the job's grain while the cluster is still settling after a silo
    /// died (until membership declares it dead and the grain reactivates elsewhere); past it the delivery gives way and
    /// the dispatch lease sends the job again.
    /// </summary>
    public TimeSpan ClusterWait { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Identifies this worker in job leases; unique per process.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
