namespace Platform.Data.Entities;

/// <summary>The adapter registry: a tenant's fine-tuned model, with its lineage.</summary>
public sealed class FineTunedModel
{
    /// <summary>The model name customers call, e.g. <c>ft:qwen3-tiny:ten_x:support:ftjob-y</c>.</summary>
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string JobId { get; set; }
    public required string BaseModel { get; set; }
    /// <summary>"lora" (PEFT adapter folder) or "full" (HF model folder).</summary>
    public required string TrainType { get; set; }
    /// <summary>Folder of the adapter, relative to the artifact store root.</summary>
    public required string Path { get; set; }
    public required string TrainingFile { get; set; }
    public string? ValidationFile { get; set; }
    public required string Settings { get; set; }
    public string? Metrics { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
