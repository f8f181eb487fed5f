using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Domain.Jobs;
using Platform.Domain.Workers;

namespace Platform.WebConsole.Queries;

/// <summary>
/// The cluster at a glance. TokensPerSecond: the sum of each running job's latest reported step rate (reported within
/// <see cref="OverviewQueries.FreshMetrics"/>); TokensLastHour: tokens trained by running and recently finished jobs.
/// </summary>
public sealed record ClusterOverview(
    IReadOnlyDictionary<string, int> JobsByStatus, IReadOnlyDictionary<string, int> QueuedByModel, long TokensLastHour, double TokensPerSecond,
    IReadOnlyList<LiveWorker> Workers, InferencePoolView Inference, IReadOnlyList<JobRow> RecentFailures);

/// <summary>A few aggregate SQL queries, the worker directory grain and the inference directory grain.</summary>
public sealed class OverviewQueries(IDbContextFactory<PlatformDbContext> dbFactory, IGrainFactory grains, InferenceQueries inference)
{
    /// <summary>A running job's step rate counts if reported this recently.</summary>
    public static readonly TimeSpan FreshMetrics = TimeSpan.FromMinutes(1);

    public async Task<ClusterOverview> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var byStatus = await db.Jobs.GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var queued = await db.Jobs.Where(j => j.Status == JobStatus.Queued).GroupBy(j => j.Model).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var hourAgo = now.AddHours(-1);
        var tokens = await db.Jobs.Where(j => j.FinishedAt >= hourAgo || j.Status == JobStatus.Running).SumAsync(j => j.TrainedTokens ?? 0, cancellationToken);
        var failures = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Failed).OrderByDescending(j => j.FinishedAt).Take(5)
            .Join(db.Tenants, j => j.TenantId, t => t.Id, (j, t) => new JobRow(j.Id, j.TenantId, t.Name, j.Model, j.Status, j.CreatedAt, j.FinishedAt, j.TrainedTokens, j.FineTunedModel, j.ErrorMessage))
            .ToListAsync(cancellationToken);
        var rate = await TokensPerSecondAsync(db, now - FreshMetrics, cancellationToken);
        var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key).Live();
        return new ClusterOverview(byStatus, queued, tokens, rate, workers, await inference.LiveAsync(cancellationToken), failures);
    }

    private static async Task<double> TokensPerSecondAsync(PlatformDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        // Running jobs are bounded by the cluster's training slots, so one small indexed query each is fine.
        var running = await db.Jobs.Where(j => j.Status == JobStatus.Running).Select(j => j.Id).Take(200).ToListAsync(cancellationToken);
        var total = 0.0;
        foreach (var jobId in running)
        {
            var data = await db.JobEvents.Where(e => e.JobId == jobId && e.Type == "metrics" && e.CreatedAt >= since)
                .OrderByDescending(e => e.Seq).Select(e => e.Data).FirstOrDefaultAsync(cancellationToken);
            if (data is null) continue;
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.TryGetProperty("tokens_per_second", out var t) && t.ValueKind == JsonValueKind.Number) total += t.GetDouble();
        }
        return total;
    }
}
