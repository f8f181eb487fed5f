using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Errors;
using Platform.Domain.Webhooks;

namespace Platform.Domain.Tenants;

public sealed partial class TenantGrain
{
    public async Task<WebhookInfo> CreateWebhook(WebhookChange request)
    {
        var url = request.Url ?? throw new DomainException(ErrorKind.InvalidRequest, "invalid_url", "'url' is required", "url");
        CheckUrl(url);
        var types = CheckTypes(request.EventTypes);
        await using var db = await dbFactory.CreateDbContextAsync();
        await RequireTenant(db);
        var endpoint = db.WebhookEndpoints.Add(new WebhookEndpoint
        {
            Id = Ids.New("we_"), TenantId = TenantId, Url = url, EventTypes = types, Description = request.Description,
            Enabled = request.Enabled ?? true, Secret = WebhookSigner.NewSecret(), CreatedAt = clock.GetUtcNow(),
        }).Entity;
        await db.SaveChangesAsync();
        return WebhookInfo.From(endpoint, withSecret: true);
    }

    public async Task<WebhookInfo> UpdateWebhook(string webhookId, WebhookChange change)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var endpoint = await RequireWebhook(db, webhookId);
        if (change.Url is not null) { CheckUrl(change.Url); endpoint.Url = change.Url; }
        if (change.EventTypes is not null) endpoint.EventTypes = CheckTypes(change.EventTypes);
        if (change.Description is not null) endpoint.Description = change.Description;
        if (change.Enabled is { } enabled && enabled != endpoint.Enabled)
        {
            endpoint.Enabled = enabled;
            endpoint.DisabledReason = enabled ? null : "Disabled by the customer";
            endpoint.FailingSince = null;
        }
        await db.SaveChangesAsync();
        return WebhookInfo.From(endpoint);
    }

    public async Task DeleteWebhook(string webhookId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.WebhookEndpoints.Remove(await RequireWebhook(db, webhookId));
        await db.SaveChangesAsync();
    }

    /// <summary>A new secret; the old one keeps signing alongside it for the grace period, so receivers can switch over.</summary>
    public async Task<WebhookInfo> RotateWebhookSecret(string webhookId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var endpoint = await RequireWebhook(db, webhookId);
        endpoint.PreviousSecret = endpoint.Secret;
        endpoint.PreviousSecretExpiresAt = clock.GetUtcNow() + webhookOptions.Value.PreviousSecretGrace;
        endpoint.Secret = WebhookSigner.NewSecret();
        await db.SaveChangesAsync();
        return WebhookInfo.From(endpoint, withSecret: true);
    }

    public async Task<string> TestWebhook(string webhookId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var endpoint = await RequireWebhook(db, webhookId);
        var ev = WebhookEventTypes.Enqueue(db, TenantId, WebhookEventTypes.Test, new { id = endpoint.Id }, clock.GetUtcNow(), onlyEndpointId: endpoint.Id);
        await db.SaveChangesAsync();
        return ev.Id;
    }

    public async Task RetryDelivery(string webhookId, string deliveryId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await RequireWebhook(db, webhookId);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == webhookId)
                       ?? throw DomainException.NotFound("delivery", deliveryId, "delivery_id");
        delivery.Status = "pending";
        delivery.NextAttemptAt = clock.GetUtcNow();
        await db.SaveChangesAsync();
    }

    private async Task<WebhookEndpoint> RequireWebhook(PlatformDbContext db, string webhookId) =>
        await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == webhookId && e.TenantId == TenantId)
        ?? throw DomainException.NotFound("webhook", webhookId, "webhook_id");

    private void CheckUrl(string url)
    {
        if (ssrf.CheckUrl(url) is { } problem) throw new DomainException(ErrorKind.InvalidRequest, "invalid_url", problem, "url");
    }

    private static string[] CheckTypes(IReadOnlyList<string>? types)
    {
        var unknown = (types ?? []).Where(t => !WebhookEventTypes.All.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new DomainException(ErrorKind.InvalidRequest, "invalid_event_type",
                $"Unknown event type(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", WebhookEventTypes.All)}", "event_types");
        return (types ?? []).Distinct().ToArray();
    }
}
