using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Data;
using Platform.Domain.Jobs;
using Platform.Domain.Jobs.Admission;
using Platform.Domain.Tenants;

namespace Platform.Api.Apis;

/// <summary>OpenAI-compatible /v1/fine_tuning/jobs, plus pause and resume. Another tenant's job ids are 404.</summary>
public static class FineTuningJobsApi
{
    public static RouteGroupBuilder MapFineTuningJobsApi(this RouteGroupBuilder v1)
    {
        var jobs = v1.MapGroup("/fine_tuning/jobs").WithTags("Fine-tuning");
        jobs.MapPost("/", Create);
        jobs.MapGet("/", List);
        jobs.MapGet("/{jobId}", Get);
        jobs.MapPost("/{jobId}/cancel", (string jobId, HttpContext http, IGrainFactory grains) =>
            Control(jobId, http, grains, (g, t) => g.Cancel(t)));
        jobs.MapPost("/{jobId}/pause", (string jobId, HttpContext http, IGrainFactory grains) =>
            Control(jobId, http, grains, (g, t) => g.Pause(t)));
        jobs.MapPost("/{jobId}/resume", (string jobId, HttpContext http, IGrainFactory grains) =>
            Control(jobId, http, grains, (g, t) => g.Resume(t)));
        jobs.MapGet("/{jobId}/events", Events);
        jobs.MapGet("/{jobId}/checkpoints", Checkpoints);
        jobs.MapGet("/{jobId}/checkpoints/{checkpointId}/manifest", CheckpointManifests.Get);
        return jobs;
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, JobAdmission admission)
    {
        JsonElement body;
        try { body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException e) { return ApiError.Invalid("Request body is not valid JSON: " + e.Message); }
        var (request, error, param) = JobRequestParser.Parse(body);
        if (request is null) return ApiError.Invalid(error!, param);
        bool dryRun;
        try { dryRun = JobRequestParser.IsDryRun(body); }
        catch (FormatException e) { return ApiError.Invalid(e.Message, "dry_run"); }
        // Our extension: the quote (rows, tokens, truncation, time, memory, price, refusals) and no job.
        if (dryRun) return Results.Ok(await admission.QuoteAsync(TenantCaller.From(http).TenantId, request, http.RequestAborted));
        var job = await grains.GetGrain<ITenantGrain>(TenantCaller.From(http).TenantId).CreateJob(request);
        return Results.Ok(FineTuningJobObject.From(job));
    }

    private static async Task<IResult> List(HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct,
        string? after = null, int? limit = null)
    {
        var tenant = TenantCaller.From(http).TenantId;
        var take = Math.Clamp(limit ?? 20, 1, 100);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Jobs.AsNoTracking().Where(j => j.TenantId == tenant);
        if (after is not null)
        {
            var cursor = await query.Where(j => j.Id == after).Select(j => (DateTimeOffset?)j.CreatedAt).SingleOrDefaultAsync(ct);
            if (cursor is null) return ApiError.Invalid($"No such job: '{after}'", "after");
            query = query.Where(j => j.CreatedAt < cursor || (j.CreatedAt == cursor && j.Id.CompareTo(after) < 0));
        }
        var rows = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).Select(j => FineTuningJobObject.From(JobSnapshot.From(j))).ToList();
        return Results.Ok(new ListPage<FineTuningJobObject>(page, rows.Count > take, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    private static async Task<IResult> Get(string jobId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.TenantId == tenant, ct);
        return job is null ? JobNotFound(jobId) : Results.Ok(FineTuningJobObject.From(JobSnapshot.From(job)));
    }

    private static async Task<IResult> Control(string jobId, HttpContext http, IGrainFactory grains, Func<IJobGrain, string, Task<JobSnapshot>> action) =>
        Results.Ok(FineTuningJobObject.From(await action(grains.GetGrain<IJobGrain>(jobId), TenantCaller.From(http).TenantId)));

    private static async Task<IResult> Events(string jobId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct,
        string? after = null, int? limit = null)
    {
        var tenant = TenantCaller.From(http).TenantId;
        var take = Math.Clamp(limit ?? 20, 1, 1000);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.TenantId == tenant, ct)) return JobNotFound(jobId);
        var query = db.JobEvents.AsNoTracking().Where(e => e.JobId == jobId);
        if (after is not null)
        {
            var seq = await query.Where(e => e.Id == after).Select(e => (long?)e.Seq).SingleOrDefaultAsync(ct);
            if (seq is null) return ApiError.Invalid($"No such event: '{after}'", "after");
            query = query.Where(e => e.Seq < seq);
        }
        var rows = await query.OrderByDescending(e => e.Seq).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).Select(JobEventObject.From).ToList();
        return Results.Ok(new ListPage<JobEventObject>(page, rows.Count > take, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    private static async Task<IResult> Checkpoints(string jobId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct,
        string? after = null, int? limit = null)
    {
        var tenant = TenantCaller.From(http).TenantId;
        var take = Math.Clamp(limit ?? 10, 1, 100);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.TenantId == tenant, ct)) return JobNotFound(jobId);
        var query = db.JobCheckpoints.AsNoTracking().Where(c => c.JobId == jobId);
        if (after is not null)
        {
            var step = await query.Where(c => c.Id == after).Select(c => (int?)c.StepNumber).SingleOrDefaultAsync(ct);
            if (step is null) return ApiError.Invalid($"No such checkpoint: '{after}'", "after");
            query = query.Where(c => c.StepNumber < step);
        }
        var rows = await query.OrderByDescending(c => c.StepNumber).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).Select(JobCheckpointObject.From).ToList();
        return Results.Ok(new ListPage<JobCheckpointObject>(page, rows.Count > take, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    private static IResult JobNotFound(string jobId) => ApiError.NotFound("job", jobId, "fine_tuning_job_id");
}
