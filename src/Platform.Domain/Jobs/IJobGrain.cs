namespace Platform.Domain.Jobs;

/// <summary>
/// One per fine-tuning job (key = job id): the single writer of the job's row, events and checkpoints.
/// Every transition is persisted before it is announced (bus message, scheduler kick).
/// </summary>
[Alias("Platform.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<JobSnapshot> Create(string tenantId, CreateJob request);
    [Alias("Cancel")] Task<JobSnapshot> Cancel(string tenantId);
    [Alias("Pause")] Task<JobSnapshot> Pause(string tenantId);
    [Alias("Resume")] Task<JobSnapshot> Resume(string tenantId);

    /// <summary>Scheduler: start a new attempt and send it to the workers.</summary>
    [Alias("Dispatch")] Task<bool> Dispatch();
    /// <summary>Scheduler: a dispatched or running attempt whose lease lapsed goes back to the queue.</summary>
    [Alias("RequeueIfStale")] Task<bool> RequeueIfStale(TimeSpan leaseTimeout);

    [Alias("AcceptRun")] Task<RunAssignment?> AcceptRun(int attempt, string workerId);
    [Alias("Heartbeat")] Task<RunDirective> Heartbeat(int attempt, string workerId);
    [Alias("RecordMetrics")] Task RecordMetrics(int attempt, IReadOnlyList<StepMetrics> metrics);
    [Alias("RecordNotice")] Task RecordNotice(int attempt, JobNotice notice);
    [Alias("RecordCheckpoint")] Task RecordCheckpoint(int attempt, int step, string folder, StepMetrics? metrics);
    [Alias("Finish")] Task Finish(int attempt, RunOutcome outcome);
    /// <summary>A worker shutting down gracefully saved a checkpoint and gives the job back to the queue at once.</summary>
    [Alias("HandBack")] Task HandBack(int attempt, string workerId, string reason);
    /// <summary>The attempt's start message could not be delivered to any worker (faulted or dead-lettered).</summary>
    [Alias("DispatchFailed")] Task DispatchFailed(int attempt, string reason);
}
