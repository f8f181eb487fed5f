using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.WebConsole.Queries;

public sealed record EndpointRow(WebhookEndpoint Endpoint, string TenantName);

public sealed record DeliveryRow(WebhookDelivery Delivery, string EventType, string Url, int? LastLatencyMs);

public sealed class WebhookQueries(IDbContextFactory<PlatformDbContext> dbFactory)
{
    public async Task<IReadOnlyList<EndpointRow>> EndpointsAsync(ConsoleScope scope, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await scope.Filter(db.WebhookEndpoints.AsNoTracking(), e => e.TenantId == scope.TenantId).OrderBy(e => e.CreatedAt).Take(500)
            .Join(db.Tenants, e => e.TenantId, t => t.Id, (e, t) => new EndpointRow(e, t.Name)).ToListAsync(cancellationToken);
    }

    /// <summary>The newest deliveries (all endpoints in scope), with the latency of each one's last attempt.</summary>
    public async Task<IReadOnlyList<DeliveryRow>> DeliveriesAsync(ConsoleScope scope, string? status, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deliveries = scope.Filter(db.WebhookDeliveries.AsNoTracking(), d => d.TenantId == scope.TenantId);
        if (!string.IsNullOrWhiteSpace(status)) deliveries = deliveries.Where(d => d.Status == status);
        return await deliveries.OrderByDescending(d => d.CreatedAt).Take(take)
            .Join(db.WebhookEvents, d => d.EventId, e => e.Id, (d, e) => new { d, e.Type })
            .Join(db.WebhookEndpoints, x => x.d.EndpointId, e => e.Id, (x, e) => new { x.d, x.Type, e.Url })
            .Select(x => new DeliveryRow(x.d, x.Type, x.Url,
                db.WebhookAttempts.Where(a => a.DeliveryId == x.d.Id).OrderByDescending(a => a.Number).Select(a => (int?)a.LatencyMs).FirstOrDefault()))
            .ToListAsync(cancellationToken);
    }
}
