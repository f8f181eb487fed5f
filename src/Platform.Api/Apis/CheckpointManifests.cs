using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.Worker;

namespace Platform.Api.Apis;

/// <summary>
/// Our extension <c>GET /v1/fine_tuning/jobs/{id}/checkpoints/{checkpoint_id}/manifest</c>: everything a checkpoint
/// depends on — base weights, tokenizer, chat template and dataset hashes, seed, every hyperparameter resolved, code
/// version and device — and the create-job request that re-runs it (posting it reproduces the metrics bit for bit on
/// the CPU).
/// </summary>
public static class CheckpointManifests
{
    public sealed record FileRef(string Id, string Sha256, string? NormalizedSha256);
    public sealed record BaseModelRef(string Id, string? Preset, string? Path, string Dtype, string? WeightsSha256);
    public sealed record Manifest(
        string FineTuningJobId, string CheckpointId, int StepNumber, string FineTunedModelCheckpoint, long CreatedAt,
        BaseModelRef BaseModel, string? TokenizerSha256, string? ChatTemplateSha256, FileRef TrainingFile, FileRef? ValidationFile,
        long Seed, string Method, JsonElement Hyperparameters, string? CodeVersion, string? TorchsharpVersion, string? Device, int? Threads,
        JsonElement? Metrics, object Request, string Object = "fine_tuning.job.checkpoint.manifest");

    public static async Task<IResult> Get(string jobId, string checkpointId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory,
        IArtifactStore store, BaseModelRegistry models, CancellationToken ct)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.TenantId == tenant, ct);
        if (job is null) return ApiError.NotFound("job", jobId, "fine_tuning_job_id");
        var checkpoint = await db.JobCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.Id == checkpointId && c.JobId == jobId, ct);
        if (checkpoint is null) return ApiError.NotFound("checkpoint", checkpointId, "checkpoint_id");
        var files = await db.Files.AsNoTracking().Where(f => f.Id == job.TrainingFile || f.Id == job.ValidationFile).ToDictionaryAsync(f => f.Id, ct);

        var environment = RunEnvironment.ReadFrom(store.Folder(checkpoint.Path));
        var settings = JobSnapshot.From(job).Settings;
        var model = models.Find(job.Model);
        return Results.Ok(new Manifest(
            job.Id, checkpoint.Id, checkpoint.StepNumber, checkpoint.FineTunedModelCheckpoint, checkpoint.CreatedAt.ToUnixTimeSeconds(),
            new BaseModelRef(job.Model, model?.Preset, model?.Path, model?.Dtype ?? "float32", environment?.BaseWeightsSha256),
            environment?.TokenizerSha256, environment?.ChatTemplateSha256,
            Ref(files[job.TrainingFile]), job.ValidationFile is null ? null : Ref(files[job.ValidationFile]),
            job.Seed, job.Method, JsonSerializer.SerializeToElement(settings, SnakeCase),
            environment?.CodeVersion, environment?.TorchSharpVersion, environment?.Device, environment?.Threads,
            checkpoint.Metrics is null ? null : JsonDocument.Parse(checkpoint.Metrics).RootElement.Clone(),
            RerunRequest(job, settings)));
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static FileRef Ref(StoredFile f) => new(f.Id, f.Sha256, f.NormalizedSha256);

    /// <summary>The create-job body with every value explicit (no "auto"): what re-runs this job.</summary>
    private static object RerunRequest(FineTuningJob job, JobSettings s)
    {
        var hyperparameters = new Dictionary<string, object>
        {
            ["n_epochs"] = s.NEpochs, ["batch_size"] = s.BatchSize, ["learning_rate_multiplier"] = s.LearningRateMultiplier,
        };
        var detail = new Dictionary<string, object> { ["hyperparameters"] = hyperparameters };
        switch (job.Method)
        {
            case "dpo":
                hyperparameters["beta"] = s.Beta;
                break;
            case "reinforcement":
                (hyperparameters["beta"], hyperparameters["num_generations"], hyperparameters["epsilon"], hyperparameters["max_completion_length"]) =
                    (s.Beta, s.NumGenerations, s.Epsilon, s.MaxCompletionLength);
                (hyperparameters["flat_reward_steps"], hyperparameters["fail_on_warnings"]) = (s.FlatRewardSteps, s.FailOnWarnings);
                if (s.Grader is not null) detail["grader"] = JsonDocument.Parse(s.Grader).RootElement.Clone();
                break;
            default:
                detail["train_type"] = s.TrainType;
                if (s.Grader is not null)
                    (detail["grader"], hyperparameters["max_completion_length"]) = (JsonDocument.Parse(s.Grader).RootElement.Clone(), s.MaxCompletionLength);
                break;
        }
        if (s.EvalSteps is { } evalSteps) hyperparameters["eval_steps"] = evalSteps;
        if (s.EarlyStopping is { } e)
            hyperparameters["early_stopping"] = new { metric = e.Metric, patience = e.Patience, min_delta = e.MinDelta };
        detail["lora"] = new { rank = s.LoraRank, alpha = s.LoraAlpha, dropout = s.LoraDropout, target_modules = s.TargetModules };
        return new
        {
            model = job.Model, training_file = job.TrainingFile, validation_file = job.ValidationFile, seed = job.Seed, suffix = job.Suffix,
            method = new Dictionary<string, object> { ["type"] = job.Method, [job.Method] = detail },
        };
    }
}
