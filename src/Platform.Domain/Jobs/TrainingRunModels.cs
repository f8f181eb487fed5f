using Platform.Domain.Models;

namespace Platform.Domain.Jobs;

/// <summary>What a worker needs to run one attempt of a job. Paths are absolute, inside the shared artifact store.</summary>
[GenerateSerializer, Immutable, Alias("Platform.RunAssignment")]
public sealed record RunAssignment(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string JobId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] string BaseModel,
    [property: Id(4)] string? BasePreset,
    [property: Id(5)] string? BasePath,
    [property: Id(6)] string BaseDtype,
    [property: Id(7)] JobSettings Settings,
    [property: Id(8)] long Seed,
    [property: Id(9)] string TrainingFilePath,
    [property: Id(10)] string? ValidationFilePath,
    [property: Id(11)] string JobFolder,
    [property: Id(12)] string? ResumeFrom,
    [property: Id(13)] int? ResumeStep)
{
    public static RunAssignment Create(
        string tenantId, string jobId, int attempt, BaseModelOptions model, JobSettings settings, long seed,
        string trainingPath, string? validationPath, string jobFolder, string? resumeFrom, int? resumeStep) =>
        new(tenantId, jobId, attempt, model.Id, model.Preset, model.Path, model.Dtype, settings, seed,
            trainingPath, validationPath, jobFolder, resumeFrom, resumeStep);
}

/// <summary>What the job grain tells a worker at each heartbeat.</summary>
public enum RunDirective { Continue, Cancel, Pause, Abandon }

/// <summary>
/// One step's metrics, as the worker forwards them. <see cref="Extra"/> holds DPO's and GRPO's own (TRL's names:
/// rewards/chosen, reward, kl, …); <see cref="Warnings"/> are reported as warn events.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.StepMetrics")]
public sealed record StepMetrics(
    [property: Id(0)] int Step,
    [property: Id(1)] int TotalSteps,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double LearningRate,
    [property: Id(4)] double GradNorm,
    [property: Id(5)] double TokensPerSecond,
    [property: Id(6)] long TrainedTokens,
    [property: Id(7)] double? ValidLoss = null,
    [property: Id(8)] double? TrainMeanTokenAccuracy = null,
    [property: Id(9)] double? ValidMeanTokenAccuracy = null,
    [property: Id(10)] IReadOnlyDictionary<string, double>? Extra = null,
    [property: Id(11)] IReadOnlyList<string>? Warnings = null)
{
    /// <summary>The step ran an evaluation (validation loss, token accuracy or graded reward).</summary>
    public bool Evaluated => ValidLoss is not null || ValidMeanTokenAccuracy is not null || Extra?.ContainsKey("valid_reward") == true;
}

/// <summary>
/// Something the run has to say that is not a step's metrics (what loading did to the dataset's rows, say): a job event
/// of <see cref="Level"/> info or warn, with <see cref="Data"/> (JSON) for the event's data.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.JobNotice")]
public sealed record JobNotice(
    [property: Id(0)] string Level,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Data = null);

/// <summary>
/// How an attempt ended. A succeeded run that stopped early or promoted its best checkpoint says so in <see cref="Note"/>
/// (an event before the success) and names the checkpoint's step in <see cref="PromotedStep"/>; the model's metrics are
/// then that checkpoint's.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.RunOutcome")]
public sealed record RunOutcome(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? AdapterFolder = null,
    [property: Id(2)] long TrainedTokens = 0,
    [property: Id(3)] StepMetrics? FinalMetrics = null,
    [property: Id(4)] string? ErrorCode = null,
    [property: Id(5)] string? ErrorMessage = null,
    [property: Id(6)] string? Note = null,
    [property: Id(7)] int? PromotedStep = null)
{
    public const string Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled", Paused = "paused";
}
