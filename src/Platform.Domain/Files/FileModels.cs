using Platform.Domain.Storage;

namespace Platform.Domain.Files;

[GenerateSerializer, Immutable, Alias("Platform.DatasetSummary")]
public sealed record DatasetSummary(
    [property: Id(0)] string Kind,
    [property: Id(1)] int Examples,
    [property: Id(2)] long TotalTokens,
    [property: Id(3)] int MaxTokens,
    [property: Id(4)] int Duplicates);

[GenerateSerializer, Immutable, Alias("Platform.ValidationProblem")]
public sealed record ValidationProblem(
    [property: Id(0)] long Line,
    [property: Id(1)] string Message);

/// <summary>An upload staged in the artifact store and validated, waiting for the tenant grain to admit it.</summary>
[GenerateSerializer, Immutable, Alias("Platform.NewFile")]
public sealed record NewFile(
    [property: Id(0)] string Filename,
    [property: Id(1)] string Purpose,
    [property: Id(2)] StagedObject Content,
    [property: Id(3)] StagedObject? Normalized,
    [property: Id(4)] DatasetSummary? Dataset,
    [property: Id(5)] IReadOnlyList<ValidationProblem> Problems,
    [property: Id(6)] int TotalProblems);

[GenerateSerializer, Immutable, Alias("Platform.FileRecord")]
public sealed record FileRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Filename,
    [property: Id(2)] string Purpose,
    [property: Id(3)] long Bytes,
    [property: Id(4)] string Status,
    [property: Id(5)] string? StatusDetails,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DatasetSummary? Dataset,
    [property: Id(8)] IReadOnlyList<ValidationProblem>? Problems);

[GenerateSerializer, Immutable, Alias("Platform.FileDeletion")]
public sealed record FileDeletion([property: Id(0)] string Id, [property: Id(1)] bool Deleted);
