using System.Text.Json;
using System.Text.Json.Serialization;
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
            MethodOf(j.Method, s, hp));
    }

    /// <summary>method.&lt;type&gt; as OpenAI shows it, each carrying our lora, train_type and resolved learning_rate.</summary>
    private static JobMethod MethodOf(string type, JobSettings s, Hyperparameters hp)
    {
        var lora = new LoraSettings(s.LoraRank, s.LoraAlpha, s.LoraDropout, s.TargetModules);
        return type switch
        {
            "dpo" => new JobMethod(type, Dpo: new DpoMethod(new DpoHyperparameters(s.NEpochs, s.BatchSize, s.LearningRateMultiplier, s.Beta), lora, s.LearningRate)),
            "reinforcement" => new JobMethod(type, Reinforcement: new ReinforcementMethod(
                s.Grader is null ? null : JsonDocument.Parse(s.Grader).RootElement.Clone(),
                new ReinforcementHyperparameters(s.NEpochs, s.BatchSize, s.LearningRateMultiplier, s.NumGenerations, s.Beta, s.Epsilon, s.MaxCompletionLength,
                    s.FlatRewardSteps, s.FailOnWarnings, s.EvalSteps, s.EarlyStopping),
                lora, s.LearningRate)),
            _ => new JobMethod(type, new SupervisedMethod(hp with { EvalSteps = s.EvalSteps, EarlyStopping = s.EarlyStopping }, lora, s.TrainType,
                s.LearningRate, s.Grader is null ? null : JsonDocument.Parse(s.Grader).RootElement.Clone(), s.Grader is null ? null : s.MaxCompletionLength)),
        };
    }
}

/// <summary>OpenAI's hyperparameters, plus our evaluation extensions (shown when set).</summary>
public sealed record Hyperparameters(
    int NEpochs, int BatchSize, double LearningRateMultiplier,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EvalSteps = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EarlyStoppingSettings? EarlyStopping = null);
public sealed record JobError(string Code, string Message, string? Param);
public sealed record JobMethod(string Type, SupervisedMethod? Supervised = null, DpoMethod? Dpo = null, ReinforcementMethod? Reinforcement = null);
public sealed record SupervisedMethod(
    Hyperparameters Hyperparameters, LoraSettings Lora, string TrainType, double LearningRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Grader = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxCompletionLength = null);
public sealed record DpoMethod(DpoHyperparameters Hyperparameters, LoraSettings Lora, double LearningRate);
public sealed record DpoHyperparameters(int NEpochs, int BatchSize, double LearningRateMultiplier, double Beta);
public sealed record ReinforcementMethod(JsonElement? Grader, ReinforcementHyperparameters Hyperparameters, LoraSettings Lora, double LearningRate);
public sealed record ReinforcementHyperparameters(
    int NEpochs, int BatchSize, double LearningRateMultiplier, int NumGenerations, double Beta, double Epsilon, int MaxCompletionLength,
    int FlatRewardSteps, bool FailOnWarnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EvalSteps = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EarlyStoppingSettings? EarlyStopping = null);
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
