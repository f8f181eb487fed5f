using System.Text.Json;
using Platform.Data.Entities;
using Platform.Domain.Jobs;

namespace Platform.Api.Apis;

/// <summary>OpenAI's fine_tuning.job object; <c>method.supervised</c> also carries our <c>lora</c> and <c>train_type</c>.</summary>
public sealed record FineTuningJobObject(
    string Id, string Model, long CreatedAt, long? FinishedAt, string? FineTunedModel, string OrganizationId,
    IReadOnlyList<string> ResultFiles, string Status, string? ValidationFile, string TrainingFile,
    Hyperparameters Hyperparameters, long? TrainedTokens, JobError? Error, string? UserProvidedSuffix, long Seed,
    long? EstimatedFinish, IReadOnlyList<object> Integrations, IReadOnlyDictionary<string, string>? Metadata, JobMethod Method,
    string Object = "fine_tuning.job")
{
    public static FineTuningJobObject From(JobSnapshot j)
    {
        var s = j.Settings;
        var hp = new Hyperparameters(s.NEpochs, s.BatchSize, s.LearningRateMultiplier);
        return new FineTuningJobObject(
            j.Id, j.Model, j.CreatedAt.ToUnixTimeSeconds(), j.FinishedAt?.ToUnixTimeSeconds(), j.FineTunedModel, j.TenantId,
            [], j.Status, j.ValidationFile, j.TrainingFile, hp, j.TrainedTokens,
            j.ErrorCode is null ? null : new JobError(j.ErrorCode, j.ErrorMessage ?? "", j.ErrorParam),
            j.Suffix, j.Seed, j.EstimatedFinish?.ToUnixTimeSeconds(), [], j.Metadata,
            new JobMethod(j.Method, new SupervisedMethod(hp, new LoraSettings(s.LoraRank, s.LoraAlpha, s.LoraDropout, s.TargetModules), s.TrainType, s.LearningRate)));
    }
}

public sealed record Hyperparameters(int NEpochs, int BatchSize, double LearningRateMultiplier);
public sealed record JobError(string Code, string Message, string? Param);
public sealed record JobMethod(string Type, SupervisedMethod? Supervised);
public sealed record SupervisedMethod(Hyperparameters Hyperparameters, LoraSettings Lora, string TrainType, double LearningRate);
public sealed record LoraSettings(int Rank, double Alpha, double Dropout, IReadOnlyList<string> TargetModules);

public sealed record JobEventObject(string Id, long CreatedAt, string Level, string Message, string Type, JsonElement? Data, string Object = "fine_tuning.job.event")
{
    public static JobEventObject From(JobEvent e) => new(
        e.Id, e.CreatedAt.ToUnixTimeSeconds(), e.Level, e.Message, e.Type,
        e.Data is null ? null : JsonDocument.Parse(e.Data).RootElement.Clone());
}

public sealed record JobCheckpointObject(
    string Id, long CreatedAt, string FineTunedModelCheckpoint, int StepNumber, JsonElement? Metrics, string FineTuningJobId,
    string Object = "fine_tuning.job.checkpoint")
{
    public static JobCheckpointObject From(JobCheckpoint c) => new(
        c.Id, c.CreatedAt.ToUnixTimeSeconds(), c.FineTunedModelCheckpoint, c.StepNumber,
        c.Metrics is null ? null : JsonDocument.Parse(c.Metrics).RootElement.Clone(), c.JobId);
}

public sealed record ListPage<T>(IReadOnlyList<T> Data, bool HasMore, string? FirstId = null, string? LastId = null, string Object = "list");
