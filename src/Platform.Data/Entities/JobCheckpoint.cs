namespace Platform.Data.Entities;

/// <summary>A saved training checkpoint of a job (adapter + optimizer state in the artifact store); usable as a model.</summary>
public sealed class JobCheckpoint
{
    public required string Id { get; set; }
    public required string JobId { get; set; }
    public required string TenantId { get; set; }
    public int StepNumber { get; set; }
    /// <summary>JSON metrics at this step (train_loss, valid_loss, …).</summary>
    public string? Metrics { get; set; }
    /// <summary>Model name under which this checkpoint can be called.</summary>
    public required string FineTunedModelCheckpoint { get; set; }
    /// <summary>Folder of the checkpoint, relative to the artifact store root.</summary>
    public required string Path { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
