namespace Platform.Data.Entities;

/// <summary>One operator action: who did what to which target, and when. Append-only.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The console user's email, or "admin-key" for calls to /admin/v1 with the admin key.</summary>
    public required string Actor { get; set; }
    /// <summary>Dotted verb, e.g. "tenant.created", "job.cancelled" (see <c>AuditActions</c>).</summary>
    public required string Action { get; set; }
    /// <summary>The id of what was acted on (tenant, key, job, model, delivery).</summary>
    public required string Target { get; set; }
    /// <summary>The tenant the target belongs to, when there is one.</summary>
    public string? TenantId { get; set; }
    /// <summary>Free text: new limits, key name, …</summary>
    public string? Detail { get; set; }
}
