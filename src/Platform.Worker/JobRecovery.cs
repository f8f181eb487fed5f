using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>
/// At start-up: jobs left queued-and-dispatched or running by a worker that is not this one are put back in the
/// queue when this process is the only worker (one-process mode; a message lost with the in-memory transport must
/// not lose a job). Otherwise the scheduler's lease timeout finds them. Then the scheduler is woken.
/// </summary>
public sealed partial class JobRecovery(
    IDbContextFactory<PlatformDbContext> dbFactory, IGrainFactory grains, IOptions<WorkerOptions> worker,
    IOptions<RecoveryOptions> recovery, ILogger<JobRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (recovery.Value.SoleWorker)
        {
            await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
            var orphans = await db.Jobs.AsNoTracking()
                .Where(j => (j.Status == JobStatus.Running || (j.Status == JobStatus.Queued && j.DispatchedAt != null)) && j.WorkerId != worker.Value.WorkerId)
                .Select(j => j.Id).ToListAsync(stoppingToken);
            foreach (var id in orphans)
                if (await grains.GetGrain<IJobGrain>(id).RequeueIfStale(TimeSpan.Zero)) LogRequeued(logger, id);
        }
        await grains.GetGrain<IJobSchedulerGrain>(IJobSchedulerGrain.Key).Kick();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was left running by a previous process; queued again")]
    private static partial void LogRequeued(ILogger logger, string jobId);
}

public sealed class RecoveryOptions
{
    /// <summary>True when this process is the cluster's only worker (the one-process default).</summary>
    public bool SoleWorker { get; set; } = true;
}
