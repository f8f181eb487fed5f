using Platform.Domain.Placement;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Errors;
using Platform.Domain.Jobs.Admission;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.Domain.Webhooks;

namespace Platform.Domain.Jobs;

/// <remarks>On an API silo: a killed worker silo must not take tenants and jobs with it until the cluster votes it out.</remarks>
[ApiSiloPlacement]
public sealed partial class JobGrain(
    IDbContextFactory<PlatformDbContext> dbFactory, IArtifactStore store, BaseModelRegistry models,
    IPublishEndpoint bus, IGrainFactory grains, JobAdmission admission, TimeProvider clock) : Grain, IJobGrain
{
    private string JobId => this.GetPrimaryKeyString();

    public async Task<JobSnapshot> Create(string tenantId, CreateJob request)
    {
        var model = models.Require(request.Model);
        await using var db = await dbFactory.CreateDbContextAsync();
        var training = await RequireUsableFile(db, tenantId, request.TrainingFile, "training_file", request.Method);
        var validation = request.ValidationFile is null ? null : await RequireUsableFile(db, tenantId, request.ValidationFile, "validation_file", request.Method);
        // Truncation beyond the allowed share, or a peak memory no live worker has, refuses here (400) with the numbers.
        var settings = await admission.AdmitAsync(tenantId, request, CancellationToken.None);
        if (settings.Grader is { } grader)
        {
            // The reward reads the training rows; evaluation reads the validation rows (a supervised grader only those).
            var parsed = JobSettingsResolver.ParseGrader(grader, request.Method);
            if (request.Method == "reinforcement") RequireGradedFields(parsed, DatasetPath(training), request.Method, "training file");
            if (validation is not null && settings.EvalSteps is not null) RequireGradedFields(parsed, DatasetPath(validation), request.Method, "validation file");
        }
        var now = clock.GetUtcNow();
        var job = new FineTuningJob
        {
            Id = JobId, TenantId = tenantId, Model = model.Id, TrainingFile = request.TrainingFile,
            ValidationFile = request.ValidationFile, Suffix = request.Suffix, Seed = request.Seed ?? Random.Shared.Next(),
            Metadata = request.Metadata is null ? null : JsonSerializer.Serialize(request.Metadata, JobSnapshot.Json),
            Method = request.Method, Settings = JsonSerializer.Serialize(settings, JobSnapshot.Json),
            Status = JobStatus.ValidatingFiles, CreatedAt = now,
        };
        db.Jobs.Add(job);
        AddEvent(db, job, "info", $"Created fine-tuning job: {JobId}");
        AddEvent(db, job, "info", "Validating training file: " + request.TrainingFile);
        if (settings.MicroBatchSize is { } micro)
            AddEvent(db, job, "info", $"Micro-batch lowered to {micro} with {settings.GradientAccumulation} gradient accumulation steps so the " +
                                      $"run fits the worker's memory; the effective batch stays {settings.BatchSize}");
        // Files were validated on upload; their stats decide "auto" hyperparameters above.
        Move(db, job, JobStatus.Queued, "Files validated, moving job to queued state");
        job.QueuedAt = now;
        await db.SaveChangesAsync();
        KickScheduler();
        return JobSnapshot.From(job);
    }

    public Task<JobSnapshot> Cancel(string tenantId) => RequestStop(tenantId, JobStatus.Cancelled);

    public Task<JobSnapshot> Pause(string tenantId) => RequestStop(tenantId, JobStatus.Paused);

    public async Task<JobSnapshot> Resume(string tenantId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await Load(db, tenantId);
        if (job.Status != JobStatus.Paused)
            throw new DomainException(ErrorKind.Conflict, "invalid_state", $"Only a paused job can be resumed; this one is {job.Status}.");
        Move(db, job, JobStatus.Queued, "Job resumed, moving job to queued state");
        job.QueuedAt = clock.GetUtcNow();
        job.DispatchedAt = null;
        await db.SaveChangesAsync();
        KickScheduler();
        return JobSnapshot.From(job);
    }

    /// <summary>
    /// Cancel or pause. A job no worker holds stops at once; a running one is told at its next heartbeat
    /// (within a few seconds) and reports back through <see cref="Finish"/>.
    /// </summary>
    private async Task<JobSnapshot> RequestStop(string tenantId, string target)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await Load(db, tenantId);
        if (!JobStatus.CanMove(job.Status, target))
            throw new DomainException(ErrorKind.Conflict, "invalid_state", $"A {job.Status} job cannot be {(target == JobStatus.Paused ? "paused" : "cancelled")}.");
        if (job.Status == JobStatus.Running || job.DispatchedAt is not null)
        {
            job.StopRequested = target == JobStatus.Paused ? "pause" : "cancel";
            AddEvent(db, job, "info", target == JobStatus.Paused ? "Pause requested; saving a checkpoint" : "Cancellation requested");
        }
        else
        {
            Move(db, job, target, target == JobStatus.Paused ? "Job paused" : "Job cancelled");
            if (target == JobStatus.Cancelled) job.FinishedAt = clock.GetUtcNow();
        }
        await db.SaveChangesAsync();
        KickScheduler();
        return JobSnapshot.From(job);
    }

    public async Task<bool> Dispatch()
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Status != JobStatus.Queued || job.DispatchedAt is not null) return false;
        job.Attempt++;
        job.DispatchedAt = clock.GetUtcNow();
        job.WorkerId = null;
        await db.SaveChangesAsync();
        await bus.Publish(new StartTrainingRun(job.TenantId, job.Id, job.Attempt));
        return true;
    }

    public async Task<bool> RequeueIfStale(TimeSpan leaseTimeout)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        var lastSign = job.HeartbeatAt ?? job.DispatchedAt;
        if (lastSign is null || clock.GetUtcNow() - lastSign < leaseTimeout) return false;
        if (job.Status is not (JobStatus.Running or JobStatus.Queued)) return false;

        if (job.StopRequested is { } stop)
        {
            // The customer asked to stop and nobody holds the job: honour it now.
            Move(db, job, stop == "pause" ? JobStatus.Paused : JobStatus.Cancelled, "Worker lost; " + (stop == "pause" ? "job paused" : "job cancelled"));
            if (stop == "cancel") job.FinishedAt = clock.GetUtcNow();
        }
        else
        {
            var message = job.WorkerId is null ? "No worker picked up the job; dispatching it again" : $"Lost worker {job.WorkerId}; the job will resume from its last checkpoint";
            if (job.Status == JobStatus.Running) Move(db, job, JobStatus.Queued, message);
            else AddEvent(db, job, "warn", message);
        }
        job.StopRequested = null;
        job.DispatchedAt = null;
        job.WorkerId = null;
        job.HeartbeatAt = null;
        await db.SaveChangesAsync();
        return true;
    }

    private async Task<FineTuningJob> Load(PlatformDbContext db, string tenantId) =>
        await db.Jobs.SingleOrDefaultAsync(j => j.Id == JobId && j.TenantId == tenantId)
        ?? throw DomainException.NotFound("job", JobId, "fine_tuning_job_id");

    private static async Task<StoredFile> RequireUsableFile(PlatformDbContext db, string tenantId, string fileId, string param, string method)
    {
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.TenantId == tenantId)
                   ?? throw new DomainException(ErrorKind.InvalidRequest, "file_not_found", $"No such file: '{fileId}'", param);
        if (file.Status != FileStatus.Processed)
            throw new DomainException(ErrorKind.InvalidRequest, "invalid_file", $"File {fileId} failed validation: {file.StatusDetails}", param);
        var (kind, needs) = method switch
        {
            "dpo" => (DatasetKind.Preference, "preference examples (input, preferred_output, non_preferred_output)"),
            "reinforcement" => (DatasetKind.Prompt, "prompt examples (messages ending with a user turn, plus the fields the grader reads)"),
            _ => (DatasetKind.Chat, "chat examples"),
        };
        if (file.Kind != kind)
            throw new DomainException(ErrorKind.InvalidRequest, "invalid_file",
                $"File {fileId} holds a {file.Kind?.ToString().ToLowerInvariant()} dataset; the {method} method needs {needs}", param);
        return file;
    }

    /// <summary>Every row must have the top-level fields the grader's templates read as item.* (checked on the first 1000 rows).</summary>
    private static void RequireGradedFields(Training.Graders.Grader grader, string datasetPath, string method, string file)
    {
        var fields = grader.ItemFields.Distinct().ToList();
        var line = 0;
        foreach (var text in File.ReadLines(datasetPath).Take(1000))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            using var row = JsonDocument.Parse(text);
            if (fields.FirstOrDefault(f => !row.RootElement.TryGetProperty(f, out _)) is { } missing)
                throw new DomainException(ErrorKind.InvalidRequest, "invalid_grader",
                    $"The grader reads item.{missing}, but line {line} of the {file} has no '{missing}' field", $"method.{method}.grader");
        }
    }

    private void Move(PlatformDbContext db, FineTuningJob job, string to, string message)
    {
        if (!JobStatus.CanMove(job.Status, to)) throw new InvalidOperationException($"illegal transition {job.Status} → {to} for {job.Id}");
        job.Status = to;
        AddEvent(db, job, to == JobStatus.Failed ? "error" : "info", message);
        var hook = to switch
        {
            JobStatus.Running => WebhookEventTypes.JobRunning,
            JobStatus.Succeeded => WebhookEventTypes.JobSucceeded,
            JobStatus.Failed => WebhookEventTypes.JobFailed,
            JobStatus.Cancelled => WebhookEventTypes.JobCancelled,
            _ => null,
        };
        // Written in the same SaveChanges as the transition: the outbox.
        if (hook is not null) WebhookEventTypes.Enqueue(db, job.TenantId, hook, new { id = job.Id }, clock.GetUtcNow());
    }

    private void AddEvent(PlatformDbContext db, FineTuningJob job, string level, string message, string type = "message", object? data = null) =>
        QueueForFeed(db, job, db.JobEvents.Add(new JobEvent
        {
            Id = Ids.New("ftevent-"), JobId = job.Id, CreatedAt = clock.GetUtcNow(), Level = level, Message = message, Type = type,
            Data = data is null ? null : JsonSerializer.Serialize(data, EventJson),
        }).Entity);

    private static readonly JsonSerializerOptions EventJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private void KickScheduler() => grains.GetGrain<IJobSchedulerGrain>(IJobSchedulerGrain.Key).Kick().Ignore();
}
