namespace Platform.Domain.Jobs;

/// <summary>
/// A worker took a delivery but could not reach the job's grain: a silo had just died and the cluster had not yet
/// declared it dead (its grains reactivate elsewhere a few seconds later). Not the job's fault: like
/// <see cref="NoFreeTrainingSlotException"/>, a delivery that faults with only this leaves the job queued, and the
/// scheduler's dispatch lease sends it again.
/// </summary>
public sealed class ClusterUnreachableException(string jobId, Exception inner)
    : Exception($"the job {jobId} could not be reached in the cluster: {inner.Message}", inner)
{
    /// <summary>Orleans' answer while a dead silo still counts as a member: the call may succeed a few seconds later.</summary>
    public static bool IsPassing(Exception e) => e is OrleansMessageRejectionException or SiloUnavailableException;
}
