using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Webhooks;

/// <summary>The delivery schedule against a clock the test moves: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
public sealed class WebhookRetryScheduleTests(ClockedWebhookServer server) : IClassFixture<ClockedWebhookServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan[] Waits =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    [Fact]
    public async Task Retries_follow_the_schedule_honour_retry_after_and_a_failing_endpoint_is_disabled_after_days()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var hook = (await WebhookCalls.CreateAsync(client, receiver.Url)).GetProperty("id").GetString()!;
        var eventId = await WebhookCalls.SendTestAsync(client, hook);
        await AttemptsReach(client, hook, 1);

        for (var i = 0; i < Waits.Length; i++)
        {
            server.Clock.Advance(Waits[i] - TimeSpan.FromSeconds(1));
            await Task.Delay(400, Ct);
            Assert.Equal(i + 1, receiver.Requests.Count(r => r.Id == eventId)); // not yet due
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await AttemptsReach(client, hook, i + 2);
        }
        var exhausted = (await WebhookCalls.DeliveriesAsync(client, hook)).Single();
        Assert.Equal("failed", exhausted.GetProperty("status").GetString());
        Assert.Equal(8, exhausted.GetProperty("attempts").GetInt32());

        // Retry-After longer than the schedule's next wait is honoured.
        receiver.RetryAfter = "120";
        var second = await WebhookCalls.SendTestAsync(client, hook);
        await AttemptsReach(client, hook, 1, second);
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(400, Ct);
        Assert.True(1 == receiver.Requests.Count(r => r.Id == second), string.Join("\n", (await WebhookCalls.DeliveriesAsync(client, hook)).Select(d => d.ToString())));
        server.Clock.Advance(TimeSpan.FromSeconds(111));
        await AttemptsReach(client, hook, 2, second);

        // Failing for five days: the next failure disables the endpoint and tells the tenant.
        server.Clock.Advance(TimeSpan.FromDays(5));
        await WebhookCalls.SendTestAsync(client, hook);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement endpoint;
        do
        {
            await Task.Delay(100, Ct);
            endpoint = await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{hook}", Ct);
        } while (endpoint.GetProperty("enabled").GetBoolean() && DateTime.UtcNow < deadline);
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("failed", endpoint.GetProperty("disabled_reason").GetString());
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM webhook_events WHERE tenant_id = $1 AND type = 'webhook_endpoint.disabled'", conn);
        cmd.Parameters.AddWithValue(t.TenantId);
        Assert.Equal(1L, await cmd.ExecuteScalarAsync(Ct));

        // Disabled: nothing more is sent. (A delivery claimed in the same pass as the one that disabled the endpoint may
        // still be on its way: count once the receiver has been quiet for half a second.)
        int before;
        do
        {
            before = receiver.Requests.Count;
            await Task.Delay(500, Ct);
        } while (receiver.Requests.Count != before);
        await WebhookCalls.SendTestAsync(client, hook);
        server.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(800, Ct);
        Assert.Equal(before, receiver.Requests.Count);
    }

    private static async Task AttemptsReach(HttpClient client, string hook, int attempts, string? eventId = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var delivery = (await WebhookCalls.DeliveriesAsync(client, hook))
                .FirstOrDefault(d => eventId is null || d.GetProperty("event_id").GetString() == eventId);
            if (delivery.ValueKind == JsonValueKind.Object && delivery.GetProperty("attempts").GetInt32() >= attempts) return;
            await Task.Delay(50, Ct);
        }
        Assert.Fail($"delivery did not reach {attempts} attempts");
    }
}
