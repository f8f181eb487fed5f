using System.Text.Json;
using Platform.Data.Entities;

namespace Platform.Domain.Jobs;

/// <summary>A job as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("Platform.JobSnapshot")]
public sealed record JobSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string Model,
    [property: Id(3)] string TrainingFile,
    [property: Id(4)] string? ValidationFile,
    [property: Id(5)] string? Suffix,
    [property: Id(6)] long Seed,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Metadata,
    [property: Id(8)] string Method,
    [property: Id(9)] JobSettings Settings,
    [property: Id(10)] string Status,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset? FinishedAt,
    [property: Id(13)] DateTimeOffset? EstimatedFinish,
    [property: Id(14)] string? FineTunedModel,
    [property: Id(15)] long? TrainedTokens,
    [property: Id(16)] string? ErrorCode,
    [property: Id(17)] string? ErrorMessage,
    [property: Id(18)] string? ErrorParam)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JobSnapshot From(FineTuningJob j) => new(
        j.Id, j.TenantId, j.Model, j.TrainingFile, j.ValidationFile, j.Suffix, j.Seed,
        j.Metadata is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(j.Metadata, Json),
        j.Method, JsonSerializer.Deserialize<JobSettings>(j.Settings, Json)!, j.Status, j.CreatedAt, j.FinishedAt,
        j.EstimatedFinish, j.FineTunedModel, j.TrainedTokens, j.ErrorCode, j.ErrorMessage, j.ErrorParam);
}
