using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;

namespace Platform.WebConsole.Queries;

public sealed record TenantRow(Tenant Tenant, int ActiveKeys, int Jobs);

/// <summary>What a tenant has used: trained tokens, stored bytes, training GPU-seconds (wall time of runs), per day.</summary>
public sealed record TenantUsage(long TrainedTokens, long StorageBytes, double TrainingSeconds, long InferenceTokens, IReadOnlyList<UsageDay> Days);

public sealed record UsageDay(DateOnly Day, long TrainedTokens, double TrainingSeconds);

public sealed class TenantQueries(IDbContextFactory<PlatformDbContext> dbFactory)
{
    public async Task<IReadOnlyList<TenantRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TenantRow(t, db.ApiKeys.Count(k => k.TenantId == t.Id && k.RevokedAt == null), db.Jobs.Count(j => j.TenantId == t.Id)))
            .ToListAsync(cancellationToken);
    }

    public async Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKey>> KeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Usage over the last <paramref name="days"/> days (by job finish day), and totals.</summary>
    public async Task<TenantUsage> UsageAsync(string tenantId, int days, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var storage = await db.Files.Where(f => f.TenantId == tenantId).SumAsync(f => (long?)f.Bytes, cancellationToken) ?? 0;
        var since = DateTimeOffset.UtcNow.Date.AddDays(-days + 1);
        var runs = await db.Jobs.AsNoTracking().Where(j => j.TenantId == tenantId)
            .Select(j => new { j.TrainedTokens, j.StartedAt, j.FinishedAt, j.Status, j.CreatedAt }).ToListAsync(cancellationToken);
        double Seconds(DateTimeOffset? start, DateTimeOffset? end, string status) =>
            start is { } s ? ((end ?? (status == JobStatus.Running ? DateTimeOffset.UtcNow : s)) - s).TotalSeconds : 0;
        var perDay = Enumerable.Range(0, days).Select(i => DateOnly.FromDateTime(since.AddDays(i)))
            .Select(day => new UsageDay(day,
                runs.Where(r => DateOnly.FromDateTime((r.FinishedAt ?? r.CreatedAt).UtcDateTime) == day).Sum(r => r.TrainedTokens ?? 0),
                runs.Where(r => DateOnly.FromDateTime((r.FinishedAt ?? r.CreatedAt).UtcDateTime) == day).Sum(r => Seconds(r.StartedAt, r.FinishedAt, r.Status))))
            .ToList();
        return new TenantUsage(runs.Sum(r => r.TrainedTokens ?? 0), storage, runs.Sum(r => Seconds(r.StartedAt, r.FinishedAt, r.Status)), 0, perDay);
    }
}
