using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>
/// Takes a job's attempt: accepts the lease through the job grain (which refuses stale or cancelled attempts),
/// then runs it. The job grain, not this message, is the record of who runs what.
/// </summary>
public sealed partial class StartTrainingRunConsumer(
    IGrainFactory grains, TrainingRunner runner, IOptions<WorkerOptions> options, ILogger<StartTrainingRunConsumer> logger)
    : IConsumer<StartTrainingRun>
{
    public async Task Consume(ConsumeContext<StartTrainingRun> context)
    {
        var m = context.Message;
        var job = grains.GetGrain<IJobGrain>(m.JobId);
        var assignment = await job.AcceptRun(m.Attempt, options.Value.WorkerId);
        if (assignment is null)
        {
            LogStale(logger, m.JobId, m.Attempt);
            return;
        }
        await runner.RunAsync(job, assignment, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped StartTrainingRun for {JobId} attempt {Attempt}: not current")]
    private static partial void LogStale(ILogger logger, string jobId, int attempt);
}

/// <summary>Concurrency equals the worker's training slots; no retries: a failed run is reported on the job.</summary>
public sealed class StartTrainingRunConsumerDefinition : ConsumerDefinition<StartTrainingRunConsumer>
{
    public StartTrainingRunConsumerDefinition(IOptions<WorkerOptions> options)
    {
        EndpointName = "start-training-run";
        ConcurrentMessageLimit = Math.Max(1, options.Value.Slots);
    }
}
