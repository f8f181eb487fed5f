using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Webhooks;
using Platform.Testing;

namespace Platform.Api.Tests.Webhooks;

/// <summary>Several API silos each run a dispatcher; the same delivery must never be claimed by two at once.</summary>
public sealed class DispatcherClaimTests
{
    [Fact]
    public async Task Concurrent_dispatchers_claim_disjoint_deliveries()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await TestPostgres.CreateMigratedDatabaseAsync(ct);
        var services = new ServiceCollection().AddPlatformData(cs).BuildServiceProvider();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        var now = DateTimeOffset.UtcNow;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Tenants.Add(new Tenant { Id = "ten_claims", Name = "claims", CreatedAt = now });
            db.WebhookEndpoints.Add(new WebhookEndpoint { Id = "we_1", TenantId = "ten_claims", Url = "https://example.com/h", EventTypes = [], Secret = WebhookSigner.NewSecret(), CreatedAt = now });
            for (var i = 0; i < 400; i++)
            {
                var ev = WebhookEventTypes.Enqueue(db, "ten_claims", WebhookEventTypes.Test, new { id = i }, now);
                db.WebhookDeliveries.Add(new WebhookDelivery { Id = $"whd_{i:D3}", EventId = ev.Id, EndpointId = "we_1", TenantId = "ten_claims", Status = "pending", NextAttemptAt = now, CreatedAt = now });
            }
            await db.SaveChangesAsync(ct);
        }

        var options = Options.Create(new WebhookOptions());
        WebhookDispatcher Dispatcher() => new(dbFactory, null!, options, TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
        var dispatchers = Enumerable.Range(0, 8).Select(_ => Dispatcher()).ToList();
        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => dispatchers[i % 8].ClaimAsync(ct), ct)));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(400, all.Count);
        Assert.Empty(await Dispatcher().ClaimAsync(ct)); // all leased
    }
}
