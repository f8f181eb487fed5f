namespace Platform.Data.Entities;

/// <summary>
/// The outbox: an event written in the same transaction as the change that caused it, with one
/// <see cref="WebhookDelivery"/> row per endpoint that subscribes to it.
/// </summary>
public sealed class WebhookEvent
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Type { get; set; }
    /// <summary>The exact JSON body sent to receivers (signed as is).</summary>
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the dispatcher created its deliveries (for the endpoints subscribed at that moment).</summary>
    public DateTimeOffset? FannedOutAt { get; set; }
    /// <summary>Set for events meant for one endpoint only (e.g. a test event).</summary>
    public string? OnlyEndpointId { get; set; }
}

public sealed class WebhookDelivery
{
    public required string Id { get; set; }
    public required string EventId { get; set; }
    public required string EndpointId { get; set; }
    public required string TenantId { get; set; }
    /// <summary>pending, succeeded, failed (retries exhausted or endpoint disabled).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>Claim by one dispatcher (several silos may run one); expires so a crashed claimer is retried.</summary>
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public int? LastStatusCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One HTTP attempt of a delivery, for the tenant's delivery log.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public required string DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int? StatusCode { get; set; }
    public int LatencyMs { get; set; }
    public string? ResponseSnippet { get; set; }
    public string? Error { get; set; }
}
