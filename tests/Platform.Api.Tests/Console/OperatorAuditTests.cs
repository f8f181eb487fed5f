using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Data;

namespace Platform.Api.Tests.Console;

/// <summary>
/// Every operator action is audited with who, what, target and time, whether made with the admin key through /admin/v1
/// or by a console user through the console's form posts; a viewer's forged posts change nothing and leave no entry.
/// </summary>
public sealed class OperatorAuditTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What an operator acts on: a tenant with a second key, a paused job, a registered model and a delivered webhook.</summary>
    private sealed record Targets(string TenantId, string Key, string SpareKeyId, string JobId, string ModelId, string DeliveryId, string EventId);

    [Fact]
    public async Task Every_admin_api_change_is_audited_as_the_admin_key_with_its_target_and_time()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = server.Admin();
        var t = await server.NewTenantAsync(); // tenant.created, key.issued (admin API)
        var spare = await PostAsync(admin, $"/admin/v1/tenants/{t.TenantId}/api-keys", new { name = "spare" });
        await PostAsync(admin, $"/admin/v1/tenants/{t.TenantId}", new { max_concurrent_jobs = 3 });
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/admin/v1/tenants/{t.TenantId}/api-keys/{spare.GetProperty("id").GetString()}", Ct)).StatusCode);
        var targets = await TargetsAsync(t, receiver, spare.GetProperty("id").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/admin/v1/webhook_deliveries/{targets.DeliveryId}/retry", null, Ct)).StatusCode);
        await receiver.WaitForAsync(r => r.Id == targets.EventId && receiver.Requests.Count(x => x.Id == targets.EventId) >= 2);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/admin/v1/models/{Uri.EscapeDataString(targets.ModelId)}", Ct)).StatusCode);
        using var tenant = server.Client(t.Key);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync($"/v1/models/{Uri.EscapeDataString(targets.ModelId)}", Ct)).StatusCode);
        Assert.Equal("queued", (await PostAsync(admin, $"/admin/v1/fine_tuning/jobs/{targets.JobId}/resume", null)).GetProperty("status").GetString());
        await PostAsync(admin, $"/admin/v1/fine_tuning/jobs/{targets.JobId}/cancel", null);
        await JobCalls.WaitForAsync(tenant, targets.JobId, s => s == "cancelled", TimeSpan.FromSeconds(60));
        await PostAsync(admin, $"/admin/v1/tenants/{t.TenantId}/suspend", null);
        await PostAsync(admin, $"/admin/v1/tenants/{t.TenantId}/reactivate", null);

        // Refused calls change nothing and are not audited: a tenant's key on /admin/v1, an unknown job, an illegal move.
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.PostAsync($"/admin/v1/fine_tuning/jobs/{targets.JobId}/resume", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/admin/v1/fine_tuning/jobs/ftjob-nosuchjob/cancel", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/admin/v1/fine_tuning/jobs/{targets.JobId}/resume", null, Ct)).StatusCode);

        var entries = await AuditAsync(t.TenantId);
        Assert.All(entries, e => Assert.Equal("admin-key", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.InRange(e.GetProperty("created_at").GetInt64(), started.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        Assert.Equal(
        [
            ("tenant.resumed", t.TenantId), ("tenant.suspended", t.TenantId),
            ("job.cancelled", targets.JobId), ("job.resumed", targets.JobId), ("model.deleted", targets.ModelId), ("webhook.retried", targets.DeliveryId),
            ("job.paused", targets.JobId), ("key.revoked", targets.SpareKeyId), ("tenant.limits_changed", t.TenantId),
            ("key.issued", targets.SpareKeyId), ("key.issued", t.KeyId), ("tenant.created", t.TenantId),
        ], entries.Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!)));
        Assert.Contains("max_concurrent_jobs=3", entries.Single(e => e.GetProperty("action").GetString() == "tenant.limits_changed").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_console_change_is_audited_under_the_operators_email()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var ops = await ConsoleHttp.SignInOperatorAsync(server.BaseAddress, OperatorServer.AdminEmail, OperatorServer.Password);
        var name = "audited-" + Guid.NewGuid().ToString("N")[..6];
        var created = await ops.PostFormAsync("/admin/tenants", "/admin/tenants", new() { ["_handler"] = "new-tenant", ["Input.Name"] = name });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var tenantId = created.Headers.Location!.OriginalString.Split('/')[^1];
        var here = $"/admin/tenants/{tenantId}";
        var issued = await (await ops.PostFormAsync(here, here, new() { ["_handler"] = "issue-key", ["NewKey.Name"] = "ci" })).Content.ReadAsStringAsync(Ct);
        var key = System.Text.RegularExpressions.Regex.Match(issued, "data-testid=\"issued-key\"[^>]*>\\s*(sk-plat-[^<\\s]+)").Groups[1].Value;
        Assert.StartsWith("sk-plat-", key);
        await ops.PostFormAsync(here, here, new() { ["_handler"] = "issue-key", ["NewKey.Name"] = "spare" });
        await ops.PostFormAsync(here, here, new() { ["_handler"] = "limits", ["Limits.MaxQueuedJobs"] = "7" });
        string keyId, spareKeyId;
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct))
        {
            var keys = await db.ApiKeys.Where(k => k.TenantId == tenantId).OrderBy(k => k.CreatedAt).Select(k => k.Id).ToListAsync(Ct);
            (keyId, spareKeyId) = (keys[0], keys[1]);
            Assert.Equal(7, (await db.Tenants.SingleAsync(x => x.Id == tenantId, Ct)).MaxQueuedJobs);
        }
        await Act(ops, $"/admin/actions/tenants/{tenantId}/keys/{spareKeyId}/revoke", here);

        var t = new PlatformServer.TenantWithKey(tenantId, keyId, key);
        var targets = await TargetsAsync(t, receiver, spareKeyId, pauseWith: ops);
        await Act(ops, $"/admin/actions/deliveries/{targets.DeliveryId}/retry", "/admin/webhooks");
        await Act(ops, $"/admin/actions/models/{Uri.EscapeDataString(targets.ModelId)}/delete", "/admin/models");
        await Act(ops, $"/admin/actions/jobs/{targets.JobId}/resume", "/admin/jobs");
        await Act(ops, $"/admin/actions/jobs/{targets.JobId}/cancel", "/admin/jobs");
        await Act(ops, $"/admin/actions/tenants/{tenantId}/suspend", here);
        await Act(ops, $"/admin/actions/tenants/{tenantId}/resume", here);

        var entries = await AuditAsync(tenantId);
        Assert.All(entries, e => Assert.Equal(OperatorServer.AdminEmail, e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.True(e.GetProperty("created_at").GetInt64() >= started.ToUnixTimeSeconds()));
        Assert.Equal(
        [
            ("tenant.resumed", tenantId), ("tenant.suspended", tenantId), ("job.cancelled", targets.JobId), ("job.resumed", targets.JobId),
            ("model.deleted", targets.ModelId), ("webhook.retried", targets.DeliveryId), ("job.paused", targets.JobId),
            ("key.revoked", spareKeyId), ("tenant.limits_changed", tenantId), ("key.issued", spareKeyId), ("key.issued", keyId), ("tenant.created", tenantId),
        ], entries.Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!)));
    }

    [Fact]
    public async Task A_viewers_forged_posts_are_refused_change_nothing_and_leave_no_audit_entry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var t = await server.NewTenantAsync();
        using var admin = server.Admin();
        var spare = await PostAsync(admin, $"/admin/v1/tenants/{t.TenantId}/api-keys", new { name = "spare" });
        var targets = await TargetsAsync(t, receiver, spare.GetProperty("id").GetString()!);
        var before = (await AuditAsync(t.TenantId)).Count;

        using var viewer = await ConsoleHttp.SignInOperatorAsync(server.BaseAddress, OperatorServer.ViewerEmail, OperatorServer.Password);
        var here = $"/admin/tenants/{t.TenantId}";
        string[] actions =
        [
            $"/admin/actions/jobs/{targets.JobId}/resume", $"/admin/actions/jobs/{targets.JobId}/cancel",
            $"/admin/actions/models/{Uri.EscapeDataString(targets.ModelId)}/delete", $"/admin/actions/deliveries/{targets.DeliveryId}/retry",
            $"/admin/actions/tenants/{t.TenantId}/suspend", $"/admin/actions/tenants/{t.TenantId}/keys/{targets.SpareKeyId}/revoke",
        ];
        foreach (var action in actions)
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync(action, here, new() { ["returnUrl"] = here })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync("/admin/tenants", "/admin/tenants", new() { ["_handler"] = "new-tenant", ["Input.Name"] = "forged" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync(here, here, new() { ["_handler"] = "issue-key", ["NewKey.Name"] = "forged" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync(here, here, new() { ["_handler"] = "limits", ["Limits.MaxQueuedJobs"] = "1" })).StatusCode);

        using var tenant = server.Client(t.Key); // not suspended, key not revoked
        Assert.Equal("paused", (await JobCalls.GetAsync(tenant, targets.JobId)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"/v1/models/{Uri.EscapeDataString(targets.ModelId)}", Ct)).StatusCode);
        var keys = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/tenants/{t.TenantId}/api-keys", Ct);
        Assert.Equal(2, keys.GetProperty("data").GetArrayLength());
        Assert.All(keys.GetProperty("data").EnumerateArray(), k => Assert.True(!k.TryGetProperty("revoked_at", out var r) || r.ValueKind == JsonValueKind.Null));
        var tenantNow = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/tenants/{t.TenantId}", Ct);
        Assert.Equal("active", tenantNow.GetProperty("status").GetString());
        Assert.NotEqual(1, tenantNow.GetProperty("limits").GetProperty("max_queued_jobs").GetInt32());
        Assert.Equal(before, (await AuditAsync(t.TenantId)).Count);
        Assert.DoesNotContain((await AuditAsync(null)).Select(e => e.GetProperty("actor").GetString()), a => a == OperatorServer.ViewerEmail);
    }

    /// <summary>Paused job (paused by the admin key, or by <paramref name="pauseWith"/> in the console), registered model, delivered webhook.</summary>
    private async Task<Targets> TargetsAsync(PlatformServer.TenantWithKey t, WebhookReceiver receiver, string spareKeyId, ConsoleHttp? pauseWith = null)
    {
        using var tenant = server.Client(t.Key);
        var hook = (await WebhookCalls.CreateAsync(tenant, receiver.Url)).GetProperty("id").GetString()!;
        var eventId = await WebhookCalls.SendTestAsync(tenant, hook);
        await receiver.WaitForAsync(r => r.Id == eventId);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement delivery;
        do
        {
            await Task.Delay(100, Ct);
            delivery = (await WebhookCalls.DeliveriesAsync(tenant, hook)).Single();
        } while (delivery.GetProperty("status").GetString() != "succeeded" && DateTime.UtcNow < deadline);

        var modelId = await Completions.RegisterAdapterModelAsync(server, t.TenantId);
        var file = await JobCalls.UploadSampleAsync(tenant);
        var jobId = (await JobCalls.CreateAsync(tenant, file, epochs: 50, batchSize: 1)).GetProperty("id").GetString()!;
        if (pauseWith is null)
        {
            using var admin = server.Admin();
            await PostAsync(admin, $"/admin/v1/fine_tuning/jobs/{jobId}/pause", null);
        }
        else await Act(pauseWith, $"/admin/actions/jobs/{jobId}/pause", "/admin/jobs");
        await JobCalls.WaitForAsync(tenant, jobId, s => s == "paused", TimeSpan.FromSeconds(60));
        return new Targets(t.TenantId, t.Key, spareKeyId, jobId, modelId, delivery.GetProperty("id").GetString()!, eventId);
    }

    private static async Task Act(ConsoleHttp session, string action, string tokenPage)
    {
        var response = await session.PostFormAsync(action, tokenPage, new() { ["returnUrl"] = tokenPage });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("error=", response.Headers.Location!.OriginalString);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body)
    {
        var response = body is null ? await client.PostAsync(path, null, Ct) : await client.PostAsJsonAsync(path, body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {json}");
        return json;
    }

    private async Task<List<JsonElement>> AuditAsync(string? tenantId)
    {
        using var admin = server.Admin();
        var page = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?limit=500{(tenantId is null ? "" : "&tenant_id=" + tenantId)}", Ct);
        return [.. page.GetProperty("data").EnumerateArray()];
    }
}
