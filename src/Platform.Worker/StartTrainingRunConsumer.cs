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
            throw new NoFreeTrainingSlotException(options.Value.WorkerId);
        var job = grains.GetGrain<IJobGrain>(m.JobId);
        RunAssignment? assignment;
        try { assignment = await AcceptAsync(job, m, context.CancellationToken); }
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

    /// <summary>
    /// The job grain's answer, waiting out a cluster that still routes to a silo that just died (seen when the killed
    /// worker had hosted the job's grain): retried every second for <see cref="WorkerOptions.ClusterWait"/>.
    /// </summary>
    private async Task<RunAssignment?> AcceptAsync(IJobGrain job, StartTrainingRun m, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.Value.ClusterWait;
        while (true)
        {
            try { return await job.AcceptRun(m.Attempt, options.Value.WorkerId); }
            catch (Exception e) when (ClusterUnreachableException.IsPassing(e) || e is TimeoutException)
            {
                if (DateTime.UtcNow >= deadline) throw new ClusterUnreachableException(m.JobId, e);
                LogClusterUnsettled(logger, m.JobId, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} not reachable yet ({Reason}); trying again")]
    private static partial void LogClusterUnsettled(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped StartTrainingRun for {JobId} attempt {Attempt}: not current")]
    private static partial void LogStale(ILogger logger, string jobId, int attempt);
}

/// <summary>
/// Concurrency equals the worker's training slots. A delivery that cannot be accepted is retried a few times here;
/// past that it faults (the fault consumer fails the job with the reason). On RabbitMQ the queue is a quorum queue
/// whose redeliveries (a worker died holding the message) are capped, then dead-lettered to a queue whose consumer
/// fails the job: nothing is dropped silently.
/// </summary>
public sealed class StartTrainingRunConsumerDefinition : ConsumerDefinition<StartTrainingRunConsumer>
{
    private readonly WorkerOptions _options;

    public StartTrainingRunConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = TrainingRunQueue.Name;
        ConcurrentMessageLimit = Math.Max(1, _options.Slots);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<StartTrainingRunConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Interval(Math.Max(0, _options.AcceptRetries), _options.AcceptRetryInterval));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.SetQueueArgument("x-delivery-limit", TrainingRunQueue.DeliveryLimit);
            rabbit.SetQueueArgument("x-dead-letter-exchange", DeadLetteredTrainingRunConsumer.Queue);
            rabbit.PrefetchCount = ConcurrentMessageLimit ?? 1;
        }
    }
}
