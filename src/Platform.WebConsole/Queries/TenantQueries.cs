using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;

namespace Platform.WebConsole.Queries;

public sealed record TenantRow(Tenant Tenant, int ActiveKeys, int Jobs);

/// <summary>
/// What a tenant has used: trained tokens, stored bytes (uploaded files), training GPU-seconds (wall time of runs on a
/// training slot), inference tokens (prompt + completion); totals and per day.
/// </summary>
public sealed record TenantUsage(long TrainedTokens, long StorageBytes, double TrainingSeconds, long InferenceTokens, IReadOnlyList<UsageDay> Days);

public sealed record UsageDay(DateOnly Day, long TrainedTokens, double TrainingSeconds, long InferenceTokens);

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

    /// <summary>
    /// Totals, and per UTC day over the last <paramref name="days"/> days: trained tokens and training seconds by the day a
    /// job finished (or was created, while unfinished), inference tokens (prompt + completion) from inference_usage.
    /// Aggregated in SQL, so a busy tenant's thousands of jobs and requests stay on the server.
    /// </summary>
    public async Task<TenantUsage> UsageAsync(string tenantId, int days, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var since = new DateTimeOffset(now.UtcDateTime.Date.AddDays(-days + 1), TimeSpan.Zero);
        var storage = await db.Files.Where(f => f.TenantId == tenantId).SumAsync(f => (long?)f.Bytes, cancellationToken) ?? 0;
        // A running job counts up to now; one that never started counts nothing.
        var runs = db.Jobs.Where(j => j.TenantId == tenantId).Select(j => new
        {
            Day = DateOnly.FromDateTime((j.FinishedAt ?? j.CreatedAt).UtcDateTime),
            At = j.FinishedAt ?? j.CreatedAt,
            Tokens = j.TrainedTokens ?? 0,
            Seconds = j.StartedAt == null ? 0 : ((j.FinishedAt ?? (j.Status == JobStatus.Running ? now : j.StartedAt.Value)) - j.StartedAt.Value).TotalSeconds,
        });
        var trainedTotal = await runs.SumAsync(r => r.Tokens, cancellationToken);
        var secondsTotal = await runs.SumAsync(r => r.Seconds, cancellationToken);
        var trainedDays = await runs.Where(r => r.At >= since).GroupBy(r => r.Day)
            .Select(g => new { g.Key, Tokens = g.Sum(r => r.Tokens), Seconds = g.Sum(r => r.Seconds) })
            .ToDictionaryAsync(x => x.Key, cancellationToken);
        var calls = db.InferenceUsage.Where(u => u.TenantId == tenantId);
        var inferenceTotal = await calls.SumAsync(u => (long)u.PromptTokens + u.CompletionTokens, cancellationToken);
        var inferenceDays = await calls.Where(u => u.CreatedAt >= since).GroupBy(u => DateOnly.FromDateTime(u.CreatedAt.UtcDateTime))
            .Select(g => new { g.Key, Tokens = g.Sum(u => (long)u.PromptTokens + u.CompletionTokens) })
            .ToDictionaryAsync(x => x.Key, x => x.Tokens, cancellationToken);
        var perDay = Enumerable.Range(0, days).Select(i => DateOnly.FromDateTime(since.UtcDateTime.AddDays(i))).Select(day => new UsageDay(day,
                trainedDays.TryGetValue(day, out var t) ? t.Tokens : 0, t?.Seconds ?? 0, inferenceDays.GetValueOrDefault(day)))
            .ToList();
        return new TenantUsage(trainedTotal, storage, secondsTotal, inferenceTotal, perDay);
    }
}
