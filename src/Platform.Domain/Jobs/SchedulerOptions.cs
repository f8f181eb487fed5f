namespace Platform.Domain.Jobs;

public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";
    /// <summary>
    /// The operator's cap on training runs out at once. The scheduler also never exceeds the slots that live workers
    /// announce, so by default the cluster's workers decide.
    /// </summary>
    public int Capacity { get; set; } = 1000;
    /// <summary>A run with no heartbeat for this long is considered lost and re-dispatched.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the scheduler looks for lost runs and free capacity without being kicked.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);
}
