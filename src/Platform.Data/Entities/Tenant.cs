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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SuspendedAt { get; set; }
}
