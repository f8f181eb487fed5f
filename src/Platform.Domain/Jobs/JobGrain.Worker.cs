using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Inference;
using Platform.Domain.Webhooks;

namespace Platform.Domain.Jobs;

// The worker's side of the job grain: lease, heartbeats, metrics, checkpoints, outcome.
// Anything from an attempt other than the current one is ignored, so a worker that lost its lease cannot
// overwrite the work of the attempt that replaced it.
public sealed partial class JobGrain
{
    public async Task<RunAssignment?> AcceptRun(int attempt, string workerId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.Status != JobStatus.Queued || job.DispatchedAt is null || job.WorkerId is not null) return null;
        if (job.StopRequested is { } stop)
        {
            Move(db, job, stop == "pause" ? JobStatus.Paused : JobStatus.Cancelled, stop == "pause" ? "Job paused" : "Job cancelled");
            if (stop == "cancel") job.FinishedAt = clock.GetUtcNow();
            job.StopRequested = null;
            job.DispatchedAt = null;
            await db.SaveChangesAsync();
            KickScheduler();
            return null;
        }

        // Everything the assignment needs is resolved before the job is marked running: a job that cannot start
        // (its base model withdrawn, say) throws here and stays unclaimed, so the delivery's fault can fail it.
        var model = models.Require(job.Model);
        var training = await db.Files.AsNoTracking().SingleAsync(f => f.Id == job.TrainingFile);
        var validation = job.ValidationFile is null ? null : await db.Files.AsNoTracking().SingleAsync(f => f.Id == job.ValidationFile);
        var resume = await db.JobCheckpoints.AsNoTracking().Where(c => c.JobId == JobId).OrderByDescending(c => c.StepNumber).FirstOrDefaultAsync();
        Move(db, job, JobStatus.Running, resume is null
            ? $"Fine-tuning job started on {workerId}"
            : $"Fine-tuning job resumed from step {resume.StepNumber} on {workerId}");
        var now = clock.GetUtcNow();
        job.WorkerId = workerId;
        job.HeartbeatAt = now;
        job.StartedAt ??= now;
        await db.SaveChangesAsync();

        return RunAssignment.Create(
            job.TenantId, job.Id, attempt, model, JobSnapshot.From(job).Settings, job.Seed,
            DatasetPath(training), validation is null ? null : DatasetPath(validation),
            store.Folder(JobPaths.Job(job.TenantId, job.Id)),
            resume is null ? null : store.Folder(resume.Path), resume?.StepNumber);
    }

    public async Task<RunDirective> Heartbeat(int attempt, string workerId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.WorkerId != workerId || job.Status != JobStatus.Running) return RunDirective.Abandon;
        job.HeartbeatAt = clock.GetUtcNow();
        await db.SaveChangesAsync();
        return job.StopRequested switch { "cancel" => RunDirective.Cancel, "pause" => RunDirective.Pause, _ => RunDirective.Continue };
    }

    public async Task RecordMetrics(int attempt, IReadOnlyList<StepMetrics> metrics)
    {
        if (metrics.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.Status != JobStatus.Running) return;
        foreach (var m in metrics)
        {
            AddEvent(db, job, "info", $"Step {m.Step}/{m.TotalSteps}: training loss={m.TrainLoss:0.####}" +
                (m.ValidLoss is { } v ? $", validation loss={v:0.####}" : "") +
                (m.ValidMeanTokenAccuracy is { } a ? $", validation token accuracy={a:0.####}" : "") +
                (m.Extra?.TryGetValue("valid_reward", out var validReward) == true ? $", validation reward={validReward:0.####}" : "") +
                (m.Extra?.TryGetValue("reward", out var reward) == true ? $", reward={reward:0.####}" : "") +
                (m.Extra?.TryGetValue("rewards/margins", out var margin) == true ? $", reward margin={margin:0.####}" : ""), "metrics", MetricsData(m));
            foreach (var warning in m.Warnings ?? []) AddEvent(db, job, "warn", $"Step {m.Step}: {warning}");
        }
        var last = metrics[^1];
        job.TrainedTokens = last.TrainedTokens;
        if (last.TokensPerSecond > 0 && last.Step > 0)
        {
            var tokensPerStep = (double)last.TrainedTokens / last.Step;
            var remaining = (last.TotalSteps - last.Step) * tokensPerStep / last.TokensPerSecond;
            job.EstimatedFinish = clock.GetUtcNow().AddSeconds(remaining);
        }
        await db.SaveChangesAsync();
    }

    public async Task RecordNotice(int attempt, JobNotice notice)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.Status != JobStatus.Running) return;
        AddEvent(db, job, notice.Level, notice.Message, data: notice.Data is null ? null : JsonDocument.Parse(notice.Data).RootElement.Clone());
        await db.SaveChangesAsync();
    }

    public async Task RecordCheckpoint(int attempt, int step, string folder, StepMetrics? metrics)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.Status != JobStatus.Running) return;
        var existing = await db.JobCheckpoints.SingleOrDefaultAsync(c => c.JobId == JobId && c.StepNumber == step);
        var row = existing ?? db.JobCheckpoints.Add(new JobCheckpoint
        {
            Id = Ids.New("ftckpt-"), JobId = JobId, TenantId = job.TenantId, StepNumber = step, Path = "",
            FineTunedModelCheckpoint = JobPaths.CheckpointModelName(JobPaths.FineTunedModelName(job.Model, job.TenantId, job.Suffix, job.Id), step),
        }).Entity;
        row.Path = store.Relative(folder);
        row.Metrics = metrics is null ? null : JsonSerializer.Serialize(MetricsData(metrics), EventJson);
        row.CreatedAt = clock.GetUtcNow();
        AddEvent(db, job, "info", $"Checkpoint saved at step {step}");
        WebhookEventTypes.Enqueue(db, job.TenantId, WebhookEventTypes.CheckpointCreated,
            new { id = row.Id, fine_tuning_job_id = job.Id, step_number = step, fine_tuned_model_checkpoint = row.FineTunedModelCheckpoint }, clock.GetUtcNow());
        await db.SaveChangesAsync();
    }

    public async Task Finish(int attempt, RunOutcome outcome)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.Status != JobStatus.Running) return;
        var now = clock.GetUtcNow();
        var published = (string?)null;
        // Nothing unusable is registered: an adapter that does not fit its base fails the job with the reasons.
        if (outcome.Kind == RunOutcome.Succeeded && AdapterProblems(job, outcome.AdapterFolder!) is { Count: > 0 } problems)
            outcome = new RunOutcome(RunOutcome.Failed, ErrorCode: "invalid_adapter",
                ErrorMessage: $"The trained adapter cannot be published: {string.Join("; ", problems)}");
        switch (outcome.Kind)
        {
            case RunOutcome.Succeeded:
                if (outcome.Note is { } note) AddEvent(db, job, "info", note);
                var name = JobPaths.FineTunedModelName(job.Model, job.TenantId, job.Suffix, job.Id);
                db.FineTunedModels.Add(new FineTunedModel
                {
                    Id = name, TenantId = job.TenantId, JobId = job.Id, BaseModel = job.Model,
                    TrainType = JobSnapshot.From(job).Settings.TrainType, Path = store.Relative(outcome.AdapterFolder!),
                    TrainingFile = job.TrainingFile, ValidationFile = job.ValidationFile, Settings = job.Settings,
                    Metrics = outcome.PromotedStep is { } promoted
                        ? await db.JobCheckpoints.Where(c => c.JobId == JobId && c.StepNumber == promoted).Select(c => c.Metrics).SingleOrDefaultAsync()
                        : outcome.FinalMetrics is null ? null : JsonSerializer.Serialize(MetricsData(outcome.FinalMetrics), EventJson),
                    CreatedAt = now,
                });
                job.FineTunedModel = name;
                if (JobSnapshot.From(job).Settings.TrainType == "lora") published = name;
                WebhookEventTypes.Enqueue(db, job.TenantId, WebhookEventTypes.ModelPublished, new { id = name, fine_tuning_job_id = job.Id }, now);
                job.TrainedTokens = outcome.TrainedTokens;
                job.FinishedAt = now;
                job.EstimatedFinish = null;
                Move(db, job, JobStatus.Succeeded, "The job has successfully completed");
                break;
            case RunOutcome.Paused:
                Move(db, job, JobStatus.Paused, "Job paused");
                break;
            case RunOutcome.Cancelled:
                job.FinishedAt = now;
                Move(db, job, JobStatus.Cancelled, "Job cancelled");
                break;
            default:
                job.FinishedAt = now;
                job.ErrorCode = outcome.ErrorCode ?? "training_error";
                job.ErrorMessage = outcome.ErrorMessage ?? "Training failed";
                Move(db, job, JobStatus.Failed, $"Fine-tuning job failed: {job.ErrorMessage}");
                break;
        }
        job.StopRequested = null;
        job.WorkerId = null;
        job.DispatchedAt = null;
        job.HeartbeatAt = null;
        await db.SaveChangesAsync();
        KickScheduler();
        if (published is not null)  // fire-and-forget: the model is callable whether or not this hint arrives
            grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key)
                .ModelPublished(job.Model, published, store.Relative(outcome.AdapterFolder!)).Ignore();
    }

    public async Task HandBack(int attempt, string workerId, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        if (job.Attempt != attempt || job.WorkerId != workerId || job.Status != JobStatus.Running) return;
        var resume = await db.JobCheckpoints.AsNoTracking().Where(c => c.JobId == JobId).MaxAsync(c => (int?)c.StepNumber);
        Move(db, job, JobStatus.Queued, $"Worker {workerId} {reason}; the job goes back to the queue and resumes from " +
            (resume is { } step ? $"step {step}" : "the start"));
        job.QueuedAt = clock.GetUtcNow();
        job.WorkerId = null;
        job.DispatchedAt = null;
        job.HeartbeatAt = null;
        await db.SaveChangesAsync();
        KickScheduler();
    }

    public async Task DispatchFailed(int attempt, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == JobId);
        // Only the attempt still waiting for a worker: one that started, or was superseded, is not this message's to fail.
        if (job.Attempt != attempt || job.Status != JobStatus.Queued || job.DispatchedAt is null || job.WorkerId is not null) return;
        var now = clock.GetUtcNow();
        job.FinishedAt = now;
        job.ErrorCode = "dispatch_failed";
        job.ErrorMessage = $"The training run could not be started: {reason}";
        job.StopRequested = null;
        job.DispatchedAt = null;
        Move(db, job, JobStatus.Failed, $"Fine-tuning job failed: {job.ErrorMessage}");
        await db.SaveChangesAsync();
        KickScheduler();
    }

    private string DatasetPath(StoredFile f) => store.ObjectPath(f.TenantId, f.NormalizedSha256 ?? f.Sha256);

    /// <summary>
    /// Why a LoRA job's adapter cannot be served on its base (none for a full fine-tune): its target modules, shapes and
    /// rank against the base's config, finite weights. The base weights' fingerprint is compared where the base is
    /// loaded, by the inference engine.
    /// </summary>
    private IReadOnlyList<string> AdapterProblems(FineTuningJob job, string folder)
    {
        if (JobSnapshot.From(job).Settings.TrainType != "lora") return [];
        if (models.Find(job.Model) is not { } model) return [$"its base model '{job.Model}' is no longer offered"];
        var config = Training.Checkpoints.BaseModelLoader.LoadConfig(model.Preset ?? model.Path!);
        return Training.Lora.AdapterCheck.Problems(folder, Training.Qwen3.Qwen3LinearShapes.Of(config), values: true);
    }

    /// <summary>The event's data: SFT's fields, then any DPO/GRPO metrics under their own names (e.g. "rewards/chosen").</summary>
    private static Dictionary<string, object?> MetricsData(StepMetrics m)
    {
        var data = new Dictionary<string, object?>
        {
            ["step"] = m.Step, ["total_steps"] = m.TotalSteps, ["train_loss"] = m.TrainLoss, ["valid_loss"] = m.ValidLoss,
            ["train_mean_token_accuracy"] = m.TrainMeanTokenAccuracy, ["valid_mean_token_accuracy"] = m.ValidMeanTokenAccuracy,
            ["learning_rate"] = m.LearningRate, ["grad_norm"] = m.GradNorm, ["tokens_per_second"] = m.TokensPerSecond,
            ["trained_tokens"] = m.TrainedTokens,
        };
        foreach (var (name, value) in m.Extra ?? new Dictionary<string, double>()) data[name] = double.IsFinite(value) ? value : null;
        return data;
    }
}
