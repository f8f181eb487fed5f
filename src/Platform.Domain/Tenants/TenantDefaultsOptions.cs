namespace Platform.Domain.Tenants;

/// <summary>Limits a new tenant gets when its creator names none (REST API and console alike).</summary>
public sealed class TenantDefaultsOptions
{
    public const string Section = "Tenants";
    public long StorageQuotaBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
