using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Domain.Webhooks;

namespace Platform.Api.Tests.Webhooks;

public sealed class WebhookDeliveryTests(WebhookServer server) : IClassFixture<WebhookServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_finished_job_is_announced_signed_and_verifiable_with_the_spec()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var hook = await WebhookCalls.CreateAsync(client, receiver.Url);
        var secret = hook.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);

        var file = await JobCalls.UploadSampleAsync(client);
        var job = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        var succeeded = await receiver.WaitForAsync(r => r.Body.Contains("\"fine_tuning.job.succeeded\""), TimeSpan.FromMinutes(3));

        var payload = JsonDocument.Parse(succeeded.Body).RootElement;
        Assert.Equal("event", payload.GetProperty("object").GetString());
        Assert.Equal(job, payload.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(payload.GetProperty("id").GetString(), succeeded.Id);
        Assert.True(SpecVerifier.Verifies(secret, succeeded));
        Assert.True(WebhookSigner.Verify(secret, succeeded.Id, succeeded.Timestamp, succeeded.Signature, succeeded.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(SpecVerifier.Verifies(WebhookSigner.NewSecret(), succeeded));
        Assert.False(SpecVerifier.Verifies(secret, succeeded with { Body = succeeded.Body.Replace("succeeded", "failed") }));
        // Events fanned out in one pass are sent together, so they may arrive in any order.
        foreach (var type in new[] { "fine_tuning.job.running", "fine_tuning.job.checkpoint.created", "model.published" })
            await receiver.WaitForAsync(r => r.Body.Contains($"\"{type}\""));
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_the_event_once_it_is_back()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var hook = (await WebhookCalls.CreateAsync(client, receiver.Url)).GetProperty("id").GetString()!;
        var eventId = await WebhookCalls.SendTestAsync(client, hook);

        await receiver.WaitForAsync(r => r.Id == eventId);  // the first attempt failed; the next ones (300 ms apart) succeed
        receiver.Status = 200;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement delivery;
        do
        {
            await Task.Delay(100, Ct);
            delivery = (await WebhookCalls.DeliveriesAsync(client, hook)).Single();
        } while (delivery.GetProperty("status").GetString() != "succeeded" && DateTime.UtcNow < deadline);

        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        var log = delivery.GetProperty("attempt_log").EnumerateArray().ToList();
        Assert.True(log.Count >= 2);
        Assert.All(log.SkipLast(1), a => Assert.Equal(503, a.GetProperty("status_code").GetInt32()));
        Assert.Equal("receiver is down", log[0].GetProperty("response_snippet").GetString());
        Assert.Equal(200, log[^1].GetProperty("status_code").GetInt32());
        Assert.All(receiver.Requests.Where(r => r.Id == eventId), r => Assert.Equal(eventId, r.Id)); // same webhook-id on every retry
    }

    [Fact]
    public async Task A_disabled_endpoint_receives_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var hook = (await WebhookCalls.CreateAsync(client, receiver.Url)).GetProperty("id").GetString()!;
        (await client.PostAsJsonAsync($"/v1/webhooks/{hook}", new { enabled = false }, Ct)).EnsureSuccessStatusCode();

        await WebhookCalls.SendTestAsync(client, hook);
        await Task.Delay(1500, Ct);
        Assert.Empty(receiver.Requests);
        Assert.Empty(await WebhookCalls.DeliveriesAsync(client, hook));

        (await client.PostAsJsonAsync($"/v1/webhooks/{hook}", new { enabled = true }, Ct)).EnsureSuccessStatusCode();
        var eventId = await WebhookCalls.SendTestAsync(client, hook);
        await receiver.WaitForAsync(r => r.Id == eventId);
    }

    [Fact]
    public async Task After_rotation_both_secrets_sign_until_the_grace_period_ends()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var created = await WebhookCalls.CreateAsync(client, receiver.Url);
        var hook = created.GetProperty("id").GetString()!;
        var oldSecret = created.GetProperty("secret").GetString()!;
        var rotated = await (await client.PostAsync($"/v1/webhooks/{hook}/rotate-secret", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);

        var eventId = await WebhookCalls.SendTestAsync(client, hook);
        var received = await receiver.WaitForAsync(r => r.Id == eventId);
        Assert.Equal(2, received.Signature.Split(' ').Length);
        Assert.True(SpecVerifier.Verifies(newSecret, received));
        Assert.True(SpecVerifier.Verifies(oldSecret, received));
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{hook}", Ct)).TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.String);
    }

    [Theory]
    [InlineData("https://10.0.0.7/hook", "non-public")]
    [InlineData("https://169.254.169.254/latest/meta-data", "non-public")]
    [InlineData("https://[::1]:8443/hook", "non-public")]
    [InlineData("http://example.com/hook", "https")]
    [InlineData("ftp://example.com/hook", "https")]
    public async Task Private_and_plain_http_urls_are_refused(string url, string reason)
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var response = await client.PostAsJsonAsync("/v1/webhooks", new { url }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await Tenants.ApiKeyTests.ErrorOf(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_event_types_and_other_tenants_webhooks_are_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = await server.NewTenantAsync();
        var stranger = await server.NewTenantAsync();
        using var ownerClient = server.Client(owner.Key);
        var bad = await ownerClient.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url.ToString(), event_types = new[] { "job.done" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var hook = (await WebhookCalls.CreateAsync(ownerClient, receiver.Url)).GetProperty("id").GetString()!;

        using var client = server.Client(stranger.Key);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/webhooks/{hook}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/v1/webhooks/{hook}/test", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/webhooks/{hook}/deliveries", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/v1/webhooks/{hook}", Ct)).StatusCode);
    }
}
