namespace Platform.Data.Entities;

public enum TenantStatus { Active, Suspended }

/// <summary>A customer organisation. Written only by its TenantGrain.</summary>
public sealed class Tenant
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public TenantStatus Status { get; set; }
    /// <summary>Bytes of uploaded files the tenant may keep.</summary>
    public long StorageQuotaBytes { get; set; }
    /// <summary>Jobs of this tenant that may train at the same time.</summary>
    public int MaxConcurrentJobs { get; set; } = 2;
    /// <summary>Jobs that may wait in the queue (validating, queued or paused) at once.</summary>
    public int MaxQueuedJobs { get; set; } = 20;
    /// <summary>Tokens the tenant may train on in total; null for no limit.</summary>
    public long? TrainedTokensLimit { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SuspendedAt { get; set; }
}
