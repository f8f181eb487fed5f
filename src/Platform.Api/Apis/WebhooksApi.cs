using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Data;
using Platform.Domain.Tenants;
using Platform.Domain.Webhooks;

namespace Platform.Api.Apis;

/// <summary>/v1/webhooks: a tenant's receivers, secret rotation, test events and the delivery log.</summary>
public static class WebhooksApi
{
    public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Description, bool? Enabled);

    public sealed record WebhookObject(
        string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
        long CreatedAt, string? Secret, string Object = "webhook_endpoint")
    {
        public static WebhookObject From(WebhookInfo w) =>
            new(w.Id, w.Url, w.EventTypes, w.Description, w.Enabled, w.DisabledReason, w.CreatedAt.ToUnixTimeSeconds(), w.Secret);
    }

    public sealed record AttemptObject(int Number, long StartedAt, int? StatusCode, int LatencyMs, string? ResponseSnippet, string? Error);

    public sealed record DeliveryObject(
        string Id, string EventId, string EventType, string Status, int Attempts, long? NextAttemptAt, int? LastStatusCode,
        long CreatedAt, long? DeliveredAt, IReadOnlyList<AttemptObject> AttemptLog, string Object = "webhook_delivery");

    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder v1)
    {
        var hooks = v1.MapGroup("/webhooks").WithTags("Webhooks");
        hooks.MapPost("/", async (WebhookRequest body, HttpContext http, IGrainFactory grains) =>
            WebhookObject.From(await Tenant(http, grains).CreateWebhook(new WebhookChange(body.Url, body.EventTypes, body.Description, body.Enabled))));
        hooks.MapGet("/", List);
        hooks.MapGet("/{webhookId}", Get);
        hooks.MapPost("/{webhookId}", async (string webhookId, WebhookRequest body, HttpContext http, IGrainFactory grains) =>
            WebhookObject.From(await Tenant(http, grains).UpdateWebhook(webhookId, new WebhookChange(body.Url, body.EventTypes, body.Description, body.Enabled))));
        hooks.MapDelete("/{webhookId}", async (string webhookId, HttpContext http, IGrainFactory grains) =>
        {
            await Tenant(http, grains).DeleteWebhook(webhookId);
            return Results.Ok(new { id = webhookId, @object = "webhook_endpoint", deleted = true });
        });
        hooks.MapPost("/{webhookId}/rotate-secret", async (string webhookId, HttpContext http, IGrainFactory grains) =>
            WebhookObject.From(await Tenant(http, grains).RotateWebhookSecret(webhookId)));
        hooks.MapPost("/{webhookId}/test", async (string webhookId, HttpContext http, IGrainFactory grains) =>
            Results.Ok(new { event_id = await Tenant(http, grains).TestWebhook(webhookId) }));
        hooks.MapGet("/{webhookId}/deliveries", Deliveries);
        hooks.MapPost("/{webhookId}/deliveries/{deliveryId}/retry", async (string webhookId, string deliveryId, HttpContext http, IGrainFactory grains) =>
        {
            await Tenant(http, grains).RetryDelivery(webhookId, deliveryId);
            return Results.Accepted();
        });
        return hooks;
    }

    private static ITenantGrain Tenant(HttpContext http, IGrainFactory grains) => grains.GetGrain<ITenantGrain>(TenantCaller.From(http).TenantId);

    private static async Task<ListPage<WebhookObject>> List(HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WebhookEndpoints.AsNoTracking().Where(e => e.TenantId == tenant).OrderBy(e => e.CreatedAt).ToListAsync(ct);
        return new ListPage<WebhookObject>(rows.Select(e => WebhookObject.From(WebhookInfo.From(e))).ToList(), false);
    }

    private static async Task<IResult> Get(string webhookId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == webhookId && e.TenantId == tenant, ct);
        return row is null ? ApiError.NotFound("webhook", webhookId, "webhook_id") : Results.Ok(WebhookObject.From(WebhookInfo.From(row)));
    }

    private static async Task<IResult> Deliveries(string webhookId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct,
        int? limit = null)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == webhookId && e.TenantId == tenant, ct)) return ApiError.NotFound("webhook", webhookId, "webhook_id");
        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == webhookId)
            .OrderByDescending(d => d.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 500))
            .Join(db.WebhookEvents, d => d.EventId, e => e.Id, (d, e) => new { d, e.Type }).ToListAsync(ct);
        var ids = rows.Select(r => r.d.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Number).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        return Results.Ok(new ListPage<DeliveryObject>(rows.Select(r => new DeliveryObject(
            r.d.Id, r.d.EventId, r.Type, r.d.Status, r.d.Attempts, r.d.Status == "pending" ? r.d.NextAttemptAt.ToUnixTimeSeconds() : null,
            r.d.LastStatusCode, r.d.CreatedAt.ToUnixTimeSeconds(), r.d.DeliveredAt?.ToUnixTimeSeconds(),
            attempts[r.d.Id].Select(a => new AttemptObject(a.Number, a.StartedAt.ToUnixTimeSeconds(), a.StatusCode, a.LatencyMs, a.ResponseSnippet, a.Error)).ToList()
        )).ToList(), false));
    }
}
