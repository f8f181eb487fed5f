using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Webhooks;

/// <summary>
/// One attempt of one delivery: signed POST, no redirects, capped response read; then success, the next retry
/// per the schedule (or later when the receiver sends Retry-After), or give up. An endpoint that has failed
/// every attempt for <see cref="WebhookOptions.DisableAfter"/> is disabled and the tenant told.
/// </summary>
public sealed class WebhookSender(IDbContextFactory<PlatformDbContext> dbFactory, SsrfGuard guard, IOptions<WebhookOptions> options,
    [FromKeyedServices(WebhookOptions.ClockKey)] TimeProvider clock)
    : IDisposable
{
    private readonly HttpClient _http = new(guard.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task DeliverAsync(string deliveryId, string claimedBy, CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.SingleAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery.LockedBy != claimedBy || delivery.Status != "pending") return;
        var endpoint = await db.WebhookEndpoints.SingleAsync(e => e.Id == delivery.EndpointId, cancellationToken);
        var ev = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.Id == delivery.EventId, cancellationToken);
        if (!endpoint.Enabled)
        {
            delivery.Status = "failed";
            Release(delivery);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var started = clock.GetUtcNow();
        var attempt = new WebhookAttempt { DeliveryId = delivery.Id, Number = delivery.Attempts + 1, StartedAt = started };
        TimeSpan? retryAfter = null;
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.RequestTimeout);
            using var request = BuildRequest(endpoint, ev, started);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            attempt.StatusCode = (int)response.StatusCode;
            attempt.ResponseSnippet = await ReadCappedAsync(response, o.MaxResponseBytes, timeout.Token);
            retryAfter = response.Headers.RetryAfter?.Delta
                         ?? (response.Headers.RetryAfter?.Date is { } date ? date - started : null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            attempt.Error = e is OperationCanceledException ? $"timed out after {o.RequestTimeout.TotalSeconds:0} s" : e.Message;
        }
        attempt.LatencyMs = (int)watch.ElapsedMilliseconds;
        db.WebhookAttempts.Add(attempt);

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        delivery.Attempts++;
        delivery.LastStatusCode = attempt.StatusCode;
        if (attempt.StatusCode is >= 200 and < 300)
        {
            delivery.Status = "succeeded";
            delivery.DeliveredAt = now;
            endpoint.FailingSince = null;
        }
        else
        {
            endpoint.FailingSince ??= started;
            if (delivery.Attempts >= o.RetrySchedule.Length) delivery.Status = "failed";
            else
            {
                var wait = o.RetrySchedule[delivery.Attempts];
                delivery.NextAttemptAt = now + (retryAfter > wait ? retryAfter.Value : wait);
            }
            if (now - endpoint.FailingSince >= o.DisableAfter)
            {
                await DisableAsync(db, endpoint, now, cancellationToken);
                delivery.Status = "failed";
            }
        }
        Release(delivery);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private HttpRequestMessage BuildRequest(WebhookEndpoint endpoint, WebhookEvent ev, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var secrets = endpoint.PreviousSecret is not null && endpoint.PreviousSecretExpiresAt > now
            ? new[] { endpoint.Secret, endpoint.PreviousSecret }
            : [endpoint.Secret];
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(ev.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", ev.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(ev.Id, timestamp, ev.Payload, secrets));
        request.Headers.UserAgent.ParseAdd("Platform-Webhooks/1.0");
        return request;
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[max];
        var total = 0;
        int read;
        while (total < max && (read = await stream.ReadAsync(buffer.AsMemory(total, max - total), ct)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>Disables the endpoint once, even when several of its deliveries fail at the same moment.</summary>
    private async Task DisableAsync(PlatformDbContext db, WebhookEndpoint endpoint, DateTimeOffset now, CancellationToken ct)
    {
        var reason = $"Every delivery failed since {endpoint.FailingSince:u}; re-enable it once the receiver works.";
        var won = await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Enabled, false).SetProperty(e => e.DisabledReason, reason), ct);
        endpoint.Enabled = false;
        endpoint.DisabledReason = reason;
        if (won == 0) return;
        await db.WebhookDeliveries.Where(d => d.EndpointId == endpoint.Id && d.Status == "pending")
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, "failed"), ct);
        WebhookEventTypes.Enqueue(db, endpoint.TenantId, WebhookEventTypes.EndpointDisabled,
            new { id = endpoint.Id, url = endpoint.Url, reason = endpoint.DisabledReason }, now);
    }

    private static void Release(WebhookDelivery delivery)
    {
        delivery.LockedBy = null;
        delivery.LockedUntil = null;
    }

    public void Dispose() => _http.Dispose();
}
