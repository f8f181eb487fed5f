using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;

namespace Platform.WebConsole.Queries;

public sealed record JobFilter(string? Status = null, string? Tenant = null, string? Model = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1);

public sealed record JobRow(string Id, string TenantId, string TenantName, string Model, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt, long? TrainedTokens, string? FineTunedModel, string? Error);

/// <summary>
/// One step's metrics from a job's "metrics" events (the chart's x is the step). Reward: GRPO's mean reward (RewardStd its
/// spread); RewardChosen, RewardRejected, RewardMargin: DPO's implicit rewards ("rewards/chosen", "rewards/rejected", "rewards/margins").
/// </summary>
public sealed record MetricPoint(int Step, int TotalSteps, double TrainLoss, double? ValidLoss, double? TrainAccuracy, double? ValidAccuracy,
    double LearningRate, double? Reward = null, double? RewardStd = null, double? RewardChosen = null, double? RewardRejected = null, double? RewardMargin = null)
{
    public bool HasRewards => Reward is not null || RewardChosen is not null || RewardRejected is not null || RewardMargin is not null;

    public static MetricPoint? FromEventData(string? json)
    {
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        if (!r.TryGetProperty("step", out var step)) return null;
        return new MetricPoint(step.GetInt32(), Int(r, "total_steps") ?? 0, Num(r, "train_loss") ?? double.NaN, Num(r, "valid_loss"),
            Num(r, "train_mean_token_accuracy"), Num(r, "valid_mean_token_accuracy"), Num(r, "learning_rate") ?? 0, Num(r, "reward"), Num(r, "reward_std"),
            Num(r, "rewards/chosen"), Num(r, "rewards/rejected"), Num(r, "rewards/margins"));
    }

    private static double? Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}

public sealed record JobDetail(FineTuningJob Job, string TenantName, JobSettings Settings, IReadOnlyList<JobFeedEvent> Events,
    IReadOnlyList<MetricPoint> Metrics, IReadOnlyList<JobCheckpoint> Checkpoints);

/// <summary>Jobs for the console: filtered and paged in SQL, newest first.</summary>
public sealed class JobQueries(IDbContextFactory<PlatformDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<ConsoleOptions> options)
{
    /// <summary>At most this many metric steps are loaded for a chart (the newest).</summary>
    public const int MaxMetricEvents = 5000;

    /// <summary>
    /// One page, newest first. Filters and paging run on fine_tuning_jobs alone (its (created_at, id) and (tenant_id,
    /// created_at) indexes); tenant names are joined for the page's rows only, so a deep page does not join every skipped row.
    /// </summary>
    public async Task<Page<JobRow>> ListAsync(ConsoleScope scope, JobFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = scope.Filter(db.Jobs.AsNoTracking(), j => j.TenantId == scope.TenantId);
        if (!string.IsNullOrWhiteSpace(filter.Status)) jobs = jobs.Where(j => j.Status == filter.Status);
        if (!string.IsNullOrWhiteSpace(filter.Model)) jobs = jobs.Where(j => j.Model == filter.Model);
        if (filter.From is { } from) jobs = jobs.Where(j => j.CreatedAt >= from);
        if (filter.To is { } to) jobs = jobs.Where(j => j.CreatedAt < to);
        if (!string.IsNullOrWhiteSpace(filter.Tenant))
        {
            var tenants = db.Tenants.Where(t => t.Id == filter.Tenant || t.Name == filter.Tenant).Select(t => t.Id);
            jobs = jobs.Where(j => tenants.Contains(j.TenantId));
        }
        var size = options.Value.PageSize;
        var page = Math.Max(1, filter.Page);
        var total = await jobs.CountAsync(cancellationToken);
        var data = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Skip((page - 1) * size).Take(size)
            .Join(db.Tenants, j => j.TenantId, t => t.Id, (j, t) => new { j, TenantName = t.Name })
            .OrderByDescending(r => r.j.CreatedAt).ThenByDescending(r => r.j.Id)
            .Select(r => new JobRow(r.j.Id, r.j.TenantId, r.TenantName, r.j.Model, r.j.Status, r.j.CreatedAt, r.j.FinishedAt, r.j.TrainedTokens, r.j.FineTunedModel, r.j.ErrorMessage))
            .ToListAsync(cancellationToken);
        return new Page<JobRow>(data, total, page, size);
    }

    public async Task<JobDetail?> GetAsync(ConsoleScope scope, string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await scope.Filter(db.Jobs.AsNoTracking(), j => j.TenantId == scope.TenantId).SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null) return null;
        var tenantName = await db.Tenants.Where(t => t.Id == job.TenantId).Select(t => t.Name).SingleAsync(cancellationToken);
        var events = await db.JobEvents.AsNoTracking().Where(e => e.JobId == jobId && e.Type != "metrics")
            .OrderByDescending(e => e.Seq).Take(200).ToListAsync(cancellationToken);
        var metricEvents = await db.JobEvents.AsNoTracking().Where(e => e.JobId == jobId && e.Type == "metrics")
            .OrderByDescending(e => e.Seq).Take(MaxMetricEvents).ToListAsync(cancellationToken);
        var checkpoints = await db.JobCheckpoints.AsNoTracking().Where(c => c.JobId == jobId).OrderBy(c => c.StepNumber).ToListAsync(cancellationToken);
        return new JobDetail(job, tenantName, JobSnapshot.From(job).Settings,
            events.Concat(metricEvents.Take(20)).OrderByDescending(e => e.Seq).Select(JobFeedEvent.From).ToList(),
            MetricsOf(metricEvents.OrderBy(e => e.Seq).Select(e => e.Data)), checkpoints);
    }

    public static IReadOnlyList<MetricPoint> MetricsOf(IEnumerable<string?> eventData)
    {
        // A resumed attempt re-reports steps after its checkpoint: the latest report of a step wins.
        var byStep = new SortedDictionary<int, MetricPoint>();
        foreach (var point in eventData.Select(MetricPoint.FromEventData).OfType<MetricPoint>()) byStep[point.Step] = point;
        return byStep.Values.ToList();
    }
}
