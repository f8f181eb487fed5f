namespace Platform.Data.Entities;

/// <summary>A fine_tuning.job.event: a message, or per-step metrics in <see cref="Data"/> (JSON).</summary>
public sealed class JobEvent
{
    /// <summary>Insertion order, for paging newest-first.</summary>
    public long Seq { get; set; }
    public required string Id { get; set; }
    public required string JobId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string Level { get; set; }
    public required string Message { get; set; }
    public required string Type { get; set; }
    public string? Data { get; set; }
}
