using System.Text.Json;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Webhooks;

/// <summary>Event names (OpenAI's for job outcomes, ours for the rest) and the outbox writer.</summary>
public static class WebhookEventTypes
{
    public const string JobRunning = "fine_tuning.job.running";
    public const string JobSucceeded = "fine_tuning.job.succeeded";
    public const string JobFailed = "fine_tuning.job.failed";
    public const string JobCancelled = "fine_tuning.job.cancelled";
    public const string CheckpointCreated = "fine_tuning.job.checkpoint.created";
    public const string ModelPublished = "model.published";
    public const string EndpointDisabled = "webhook_endpoint.disabled";
    public const string Test = "webhook.test";

    public static readonly string[] All = [JobRunning, JobSucceeded, JobFailed, JobCancelled, CheckpointCreated, ModelPublished, EndpointDisabled];

    /// <summary>
    /// Adds an event to the outbox in the caller's unit of work, so it commits (or not) with the change that caused it.
    /// Payload: <c>{"id":"evt_…","object":"event","created_at","type","data":{…}}</c>.
    /// </summary>
    public static WebhookEvent Enqueue(PlatformDbContext db, string tenantId, string type, object data, DateTimeOffset now, string? onlyEndpointId = null)
    {
        var id = Ids.New("evt_");
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = id, ["object"] = "event", ["created_at"] = now.ToUnixTimeSeconds(), ["type"] = type, ["data"] = data,
        });
        return db.WebhookEvents.Add(new WebhookEvent
        {
            Id = id, TenantId = tenantId, Type = type, Payload = payload, CreatedAt = now, OnlyEndpointId = onlyEndpointId,
        }).Entity;
    }
}
