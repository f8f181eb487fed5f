using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Webhooks;

/// <summary>
/// Delivers the outbox: fans new events out to the endpoints subscribed to them, then claims due deliveries
/// (row locks with SKIP LOCKED plus a lease, so several silos never send the same attempt at once) and sends them.
/// Everything it needs is in Postgres, so a restart picks up where it stopped.
/// </summary>
public sealed partial class WebhookDispatcher(
    IDbContextFactory<PlatformDbContext> dbFactory, WebhookSender sender, IOptions<WebhookOptions> options,
    [FromKeyedServices(WebhookOptions.ClockKey)] TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly string _me = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync(stoppingToken);
                var claimed = await ClaimAsync(stoppingToken);
                await Task.WhenAll(claimed.Select(id => sender.DeliverAsync(id, _me, stoppingToken)));
                if (claimed.Count > 0) continue;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e);
            }
            try { await Task.Delay(options.Value.PollInterval, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One delivery row per (event, subscribed enabled endpoint); the event is marked so this happens once.</summary>
    public async Task FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var events = await db.WebhookEvents
            .FromSql($"SELECT * FROM webhook_events WHERE fanned_out_at IS NULL ORDER BY created_at LIMIT 100 FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        if (events.Count == 0) return;
        var now = clock.GetUtcNow();
        var tenants = events.Select(e => e.TenantId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.Where(e => tenants.Contains(e.TenantId) && e.Enabled).ToListAsync(cancellationToken);
        foreach (var ev in events)
        {
            foreach (var endpoint in endpoints.Where(e => e.TenantId == ev.TenantId && Subscribed(e, ev)))
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = Ids.New("whd_"), EventId = ev.Id, EndpointId = endpoint.Id, TenantId = ev.TenantId,
                    Status = "pending", NextAttemptAt = now, CreatedAt = now,
                });
            ev.FannedOutAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static bool Subscribed(WebhookEndpoint endpoint, WebhookEvent ev) =>
        ev.OnlyEndpointId is not null ? ev.OnlyEndpointId == endpoint.Id
        : endpoint.EventTypes.Length == 0 || endpoint.EventTypes.Contains(ev.Type);

    /// <summary>Due deliveries nobody holds, leased to this dispatcher for longer than one attempt can take.</summary>
    public async Task<List<string>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lease = now + options.Value.RequestTimeout * 3;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Database.SqlQuery<string>($"""
            UPDATE webhook_deliveries SET locked_by = {_me}, locked_until = {lease}
            WHERE id IN (SELECT id FROM webhook_deliveries
                         WHERE status = 'pending' AND next_attempt_at <= {now} AND (locked_until IS NULL OR locked_until < {now})
                         ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception e);
}
