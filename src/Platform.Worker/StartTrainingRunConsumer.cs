using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Domain.Jobs;
using MassTransit.RabbitMqTransport;

namespace Platform.Worker;

/// <summary>
/// Takes a job's attempt: accepts the lease through the job grain (which refuses stale or cancelled attempts),
/// then runs it. The job grain, not this message, is the record of who runs what.
/// </summary>
public sealed partial class StartTrainingRunConsumer(
    IGrainFactory grains, TrainingSlots slots, IOptions<WorkerOptions> options, ILogger<StartTrainingRunConsumer> logger)
    : IConsumer<StartTrainingRun>
{
    public async Task Consume(ConsumeContext<StartTrainingRun> context)
    {
        var m = context.Message;
        // No free slot soon: fail the delivery so the broker offers it to another worker.
        if (!await slots.TryReserveAsync(options.Value.SlotWait, context.CancellationToken))
            throw new InvalidOperationException($"worker {options.Value.WorkerId} has no free training slot");
        var job = grains.GetGrain<IJobGrain>(m.JobId);
        RunAssignment? assignment;
        try { assignment = await job.AcceptRun(m.Attempt, options.Value.WorkerId); }
        catch
        {
            slots.Release();
            throw;
        }
        if (assignment is null)
        {
            slots.Release();
            LogStale(logger, m.JobId, m.Attempt);
            return;
        }
        slots.Start(job, assignment); // the message is acknowledged now; the lease in the job grain covers the run
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

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<StartTrainingRunConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // A delivery that cannot be accepted (no slot, silo unreachable) is retried here a few times, then redelivered.
        endpointConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.PrefetchCount = ConcurrentMessageLimit ?? 1;
        }
    }
}
