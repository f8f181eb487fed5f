namespace Platform.Domain.Jobs;

/// <summary>
/// Training settings with every "auto" resolved; stored as JSON on the job and handed to the worker. Fields after
/// SaveSteps were added later; their defaults read older rows unchanged. <see cref="Grader"/> is the grader's JSON,
/// validated at creation: the reward of a reinforcement job, or what scores a supervised job's generations on its
/// validation file. <see cref="EvalSteps"/> null (older rows) evaluates at checkpoints.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.JobSettings")]
public sealed record JobSettings(
    [property: Id(0)] int NEpochs,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] double LearningRateMultiplier,
    [property: Id(3)] double LearningRate,
    [property: Id(4)] string TrainType,
    [property: Id(5)] int LoraRank,
    [property: Id(6)] double LoraAlpha,
    [property: Id(7)] double LoraDropout,
    [property: Id(8)] IReadOnlyList<string> TargetModules,
    [property: Id(9)] int MaxLength,
    [property: Id(10)] int SaveSteps,
    [property: Id(11)] string Method = "supervised",
    [property: Id(12)] double Beta = 0,
    [property: Id(13)] int NumGenerations = 0,
    [property: Id(14)] double Epsilon = 0,
    [property: Id(15)] int MaxCompletionLength = 0,
    [property: Id(16)] string? Grader = null,
    [property: Id(17)] int? MicroBatchSize = null,
    [property: Id(18)] int? EvalSteps = null,
    [property: Id(19)] EarlyStoppingSettings? EarlyStopping = null,
    [property: Id(20)] int FlatRewardSteps = 0,
    [property: Id(21)] bool FailOnWarnings = false)
{
    /// <summary>Examples per forward/backward pass: the batch, or less when the feasibility check lowered it.</summary>
    public int EffectiveMicroBatch => MicroBatchSize ?? BatchSize;
    /// <summary>Micro-batches per optimizer step, so the effective batch stays <see cref="BatchSize"/>.</summary>
    public int GradientAccumulation => BatchSize / EffectiveMicroBatch;
}

/// <summary>Our extension: end the job when a validation metric stops improving, and publish its best checkpoint.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EarlyStoppingSettings")]
public sealed record EarlyStoppingSettings(
    [property: Id(0)] string? Metric,
    [property: Id(1)] int? Patience,
    [property: Id(2)] double? MinDelta);

/// <summary>What the customer asked for; null fields and "auto" are resolved by the job grain.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CreateJob")]
public sealed record CreateJob(
    [property: Id(0)] string Model,
    [property: Id(1)] string TrainingFile,
    [property: Id(2)] string? ValidationFile,
    [property: Id(3)] string? Suffix,
    [property: Id(4)] long? Seed,
    [property: Id(5)] IReadOnlyDictionary<string, string>? Metadata,
    [property: Id(6)] string Method,
    [property: Id(7)] int? NEpochs,
    [property: Id(8)] int? BatchSize,
    [property: Id(9)] double? LearningRateMultiplier,
    [property: Id(10)] string? TrainType,
    [property: Id(11)] int? LoraRank,
    [property: Id(12)] double? LoraAlpha,
    [property: Id(13)] double? LoraDropout,
    [property: Id(14)] IReadOnlyList<string>? TargetModules,
    [property: Id(15)] string? Grader = null,
    [property: Id(16)] double? Beta = null,
    [property: Id(17)] int? NumGenerations = null,
    [property: Id(18)] double? Epsilon = null,
    [property: Id(19)] int? MaxCompletionLength = null,
    [property: Id(20)] bool AllowTruncation = false,
    [property: Id(21)] bool AutoAdjustBatch = false,
    [property: Id(22)] int? EvalSteps = null,
    [property: Id(23)] EarlyStoppingSettings? EarlyStopping = null,
    [property: Id(24)] int? FlatRewardSteps = null,
    [property: Id(25)] bool? FailOnWarnings = null);
