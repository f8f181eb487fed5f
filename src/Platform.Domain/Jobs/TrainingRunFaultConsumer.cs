using MassTransit;
using Platform.Contracts;

namespace Platform.Domain.Jobs;

/// <summary>
/// A StartTrainingRun whose delivery failed every retry (MassTransit moves it to the error queue and publishes this
/// fault): the job fails with the reason, rather than sitting queued with its message parked where nobody looks.
/// </summary>
public sealed class TrainingRunFaultConsumer(IGrainFactory grains) : IConsumer<Fault<StartTrainingRun>>
{
    private static readonly HashSet<string> Passing =
        [typeof(NoFreeTrainingSlotException).FullName!, typeof(ClusterUnreachableException).FullName!];

    public async Task Consume(ConsumeContext<Fault<StartTrainingRun>> context)
    {
        var fault = context.Message;
        var causes = fault.Exceptions ?? [];
        // Only passing conditions (no free slot, the cluster briefly unreachable): the job stays queued and the
        // scheduler's dispatch lease sends it again.
        if (causes.Length > 0 && causes.All(e => e.ExceptionType is { } type && Passing.Contains(type))) return;
        var reason = causes.Select(e => e.Message).FirstOrDefault(m => !string.IsNullOrWhiteSpace(m)) ?? "unknown error";
        await grains.GetGrain<IJobGrain>(fault.Message.JobId).DispatchFailed(fault.Message.Attempt, reason);
    }
}

/// <summary>
/// StartTrainingRun messages RabbitMQ dead-lettered: redelivered past the quorum queue's delivery limit (workers that
/// took them kept dying before acknowledging). The job fails with that reason instead of the message being dropped.
/// </summary>
public sealed class DeadLetteredTrainingRunConsumer(IGrainFactory grains) : IConsumer<StartTrainingRun>
{
    public const string Queue = "start-training-run-dead-letter";

    public Task Consume(ConsumeContext<StartTrainingRun> context) =>
        grains.GetGrain<IJobGrain>(context.Message.JobId).DispatchFailed(context.Message.Attempt,
            $"its start message was delivered {TrainingRunQueue.DeliveryLimit + 1} times and no worker acknowledged it (workers crashed while taking it)");
}

/// <summary>The training-run queue's broker settings, shared by the consumer definition and the dead-letter endpoint.</summary>
public static class TrainingRunQueue
{
    public const string Name = "start-training-run";
    /// <summary>Quorum-queue redeliveries before RabbitMQ dead-letters a message.</summary>
    public const int DeliveryLimit = 5;
}
