namespace Platform.Data.Entities;

/// <summary>
/// A fine-tuning job. Written only by its JobGrain. <see cref="Status"/> follows <c>JobStatus</c>'s transitions;
/// hyperparameters are stored as resolved (no "auto" left).
/// </summary>
public sealed class FineTuningJob
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Model { get; set; }
    public required string TrainingFile { get; set; }
    public string? ValidationFile { get; set; }
    public string? Suffix { get; set; }
    public long Seed { get; set; }
    /// <summary>JSON object of the customer's metadata (string → string).</summary>
    public string? Metadata { get; set; }
    /// <summary>"supervised" (later "dpo", "reinforcement").</summary>
    public required string Method { get; set; }
    /// <summary>JSON of the resolved training settings (epochs, batch size, learning rate, LoRA, train type).</summary>
    public required string Settings { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? EstimatedFinish { get; set; }
    public string? FineTunedModel { get; set; }
    public long? TrainedTokens { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorParam { get; set; }

    /// <summary>Dispatch attempt; a worker's report for an older attempt is ignored.</summary>
    public int Attempt { get; set; }
    /// <summary>When the current attempt was sent to the bus; null while the job waits for capacity.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
    /// <summary>The worker holding the current attempt's lease, and its last heartbeat.</summary>
    public string? WorkerId { get; set; }
    public DateTimeOffset? HeartbeatAt { get; set; }
    /// <summary>A stop the customer asked for that the worker has not acted on yet: "cancel" or "pause".</summary>
    public string? StopRequested { get; set; }
}
