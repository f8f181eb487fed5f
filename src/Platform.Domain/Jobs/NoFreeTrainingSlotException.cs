namespace Platform.Domain.Jobs;

/// <summary>
/// A worker took a delivery but had no free slot in time. Not the job's fault: a delivery that faults with only this
/// leaves the job queued, and the scheduler's dispatch lease sends it again.
/// </summary>
public sealed class NoFreeTrainingSlotException(string workerId) : Exception($"worker {workerId} has no free training slot");
