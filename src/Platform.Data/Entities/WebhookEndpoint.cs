namespace Platform.Data.Entities;

/// <summary>
/// A tenant's webhook receiver. The signing secret is kept as issued (HMAC needs it); the previous secret keeps
/// signing alongside the new one until <see cref="PreviousSecretExpiresAt"/> after a rotation.
/// </summary>
public sealed class WebhookEndpoint
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Url { get; set; }
    /// <summary>Event types delivered here; empty means all.</summary>
    public required string[] EventTypes { get; set; }
    public string? Description { get; set; }
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public required string Secret { get; set; }
    public string? PreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    /// <summary>Start of the current run of failed deliveries; null after a success.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
