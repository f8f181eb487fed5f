using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Domain.Jobs;
using Platform.Domain.Workers;

namespace Platform.WebConsole.Queries;

public sealed record ClusterOverview(
    IReadOnlyDictionary<string, int> JobsByStatus, IReadOnlyDictionary<string, int> QueuedByModel, long TokensLastHour,
    IReadOnlyList<LiveWorker> Workers, IReadOnlyList<JobRow> RecentFailures);

/// <summary>The cluster at a glance: a few aggregate SQL queries and the worker directory grain.</summary>
public sealed class OverviewQueries(IDbContextFactory<PlatformDbContext> dbFactory, IGrainFactory grains)
{
    public async Task<ClusterOverview> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var byStatus = await db.Jobs.GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var queued = await db.Jobs.Where(j => j.Status == JobStatus.Queued).GroupBy(j => j.Model).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var tokens = await db.Jobs.Where(j => j.FinishedAt >= hourAgo || j.Status == JobStatus.Running).SumAsync(j => j.TrainedTokens ?? 0, cancellationToken);
        var failures = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Failed).OrderByDescending(j => j.FinishedAt).Take(5)
            .Join(db.Tenants, j => j.TenantId, t => t.Id, (j, t) => new JobRow(j.Id, j.TenantId, t.Name, j.Model, j.Status, j.CreatedAt, j.FinishedAt, j.TrainedTokens, j.FineTunedModel, j.ErrorMessage))
            .ToListAsync(cancellationToken);
        var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key).Live();
        return new ClusterOverview(byStatus, queued, tokens, workers, failures);
    }
}
