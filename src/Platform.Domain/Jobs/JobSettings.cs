namespace Platform.Domain.Jobs;

/// <summary>Training settings with every "auto" resolved; stored as JSON on the job and handed to the worker.</summary>
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
    [property: Id(10)] int SaveSteps);

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
    [property: Id(14)] IReadOnlyList<string>? TargetModules);
