namespace Platform.Domain.Jobs.Admission;

/// <summary>What a dry run answers (our extension <c>"dry_run": true</c> on job creation); nothing is created.</summary>
[GenerateSerializer, Immutable, Alias("Platform.JobQuote")]
public sealed record JobQuote(
    [property: Id(0)] string Model,
    [property: Id(1)] string TrainingFile,
    [property: Id(2)] RowCounts Rows,
    [property: Id(3)] TokenLengths Tokens,
    [property: Id(4)] Truncation Truncation,
    [property: Id(5)] long TrainedTokens,
    [property: Id(6)] int Steps,
    [property: Id(7)] JobSettings Hyperparameters,
    [property: Id(8)] Estimates Estimates,
    [property: Id(9)] Feasibility Feasibility,
    [property: Id(10)] Price? Price,
    [property: Id(11)] bool WouldStart,
    [property: Id(12)] IReadOnlyList<string> Refusals,
    [property: Id(13)] string Object = "fine_tuning.job.quote");

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.Rows")]
public sealed record RowCounts(
    [property: Id(0)] int Accepted, [property: Id(1)] int Rejected, [property: Id(2)] IReadOnlyList<RejectedLine> RejectedLines,
    [property: Id(3)] int Thinking, [property: Id(4)] int NonThinking);

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.RejectedLine")]
public sealed record RejectedLine([property: Id(0)] int Line, [property: Id(1)] string Reason);

/// <summary>Templated tokens per row, before truncation; buckets are upper bounds (powers of two) with their row counts.</summary>
[GenerateSerializer, Immutable, Alias("Platform.JobQuote.TokenLengths")]
public sealed record TokenLengths(
    [property: Id(0)] int P50, [property: Id(1)] int P95, [property: Id(2)] int Max, [property: Id(3)] long Total,
    [property: Id(4)] IReadOnlyList<LengthBucket> Histogram);

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.LengthBucket")]
public sealed record LengthBucket([property: Id(0)] int UpTo, [property: Id(1)] int Rows);

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.Truncation")]
public sealed record Truncation(
    [property: Id(0)] int MaxLength, [property: Id(1)] int RowsTruncated, [property: Id(2)] long TokensLost,
    [property: Id(3)] double FractionAffected, [property: Id(4)] double AllowedFraction);

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.Estimates")]
public sealed record Estimates(
    [property: Id(0)] double? WallSeconds, [property: Id(1)] double? TokensPerSecond, [property: Id(2)] string TokensPerSecondBasis,
    [property: Id(3)] long PeakMemoryBytes, [property: Id(4)] IReadOnlyDictionary<string, long> PeakMemoryParts);

/// <summary>Predicted peak against the largest live worker that can load the base; a micro-batch that would fit.</summary>
[GenerateSerializer, Immutable, Alias("Platform.JobQuote.Feasibility")]
public sealed record Feasibility(
    [property: Id(0)] bool? Fits, [property: Id(1)] long PredictedPeakBytes, [property: Id(2)] long? WorkerMemoryBytes,
    [property: Id(3)] string? Worker, [property: Id(4)] int? SuggestedMicroBatch, [property: Id(5)] int? SuggestedGradientAccumulation);

[GenerateSerializer, Immutable, Alias("Platform.JobQuote.Price")]
public sealed record Price([property: Id(0)] decimal Amount, [property: Id(1)] decimal PerMillionTrainedTokens);
