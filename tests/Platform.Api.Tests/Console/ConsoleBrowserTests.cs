using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Console;

/// <summary>The web console in real headless Chromium against the real service (Kestrel, Orleans, Postgres, in-process worker).</summary>
public sealed class ConsoleBrowserTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_sign_in_refuses_a_wrong_password_and_accepts_the_right_one()
    {
        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail, "wrong password");
        Assert.Contains("/admin/login", page.Url);
        Assert.Equal("Wrong credentials.", (await page.TextContentAsync("[data-testid=signin-error]"))?.Trim());
        await ConsoleServer.ScreenshotAsync(page, "signin-refused");

        page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        Assert.EndsWith("/admin", page.Url);
        Assert.Contains(ConsoleServer.AdminEmail, await page.TextContentAsync("[data-testid=signed-in-as]"));
        await page.WaitForSelectorAsync("[data-testid=jobs-by-status]");
        await ConsoleServer.ScreenshotAsync(page, "overview", forDocs: true);
    }

    [Fact]
    public async Task An_admin_creates_a_tenant_and_a_key_that_the_api_accepts()
    {
        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        await page.GotoAsync("/admin/tenants");
        await page.ClickAsync("[data-testid=create-tenant]"); // empty name: refused by validation
        await page.WaitForSelectorAsync("text=A name is required.");

        var name = "console-" + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("[data-testid=tenant-name]", name);
        await page.ClickAsync("[data-testid=create-tenant]");
        await page.WaitForURLAsync("**/admin/tenants/ten_*");
        var tenantId = page.Url.Split('/')[^1];
        await page.FillAsync("[data-testid=key-name]", "ci");
        await page.ClickAsync("[data-testid=issue-key]");
        var key = (await page.TextContentAsync("[data-testid=issued-key]"))!.Trim();
        Assert.StartsWith("sk-plat-", key);
        await ConsoleServer.ScreenshotAsync(page, "tenant", forDocs: true);

        using var client = server.Client(key);
        var models = await client.GetAsync("/v1/models", Ct);
        Assert.True(models.IsSuccessStatusCode);
        await page.ReloadAsync();
        Assert.DoesNotContain(key, await page.ContentAsync()); // shown once
        using var admin = server.Admin();
        var tenant = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/tenants/{tenantId}", Ct);
        Assert.Equal(name, tenant.GetProperty("name").GetString());
        Assert.Equal(1024 * 1024, tenant.GetProperty("limits").GetProperty("storage_quota_bytes").GetInt64()); // the configured default
    }

    [Fact]
    public async Task A_file_uploaded_through_the_api_shows_its_validation_report()
    {
        var tenant = await server.NewTenantAsync();
        using var client = server.Client(tenant.Key);
        var good = Uploads.Chat("hi", "hello");
        var file = await Uploads.UploadAsync(client, "broken.jsonl", string.Join('\n', good, good, "{\"messages\": [", good, "not json"));
        var fileId = file.GetProperty("id").GetString()!;

        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        await page.GotoAsync($"/admin/files/{fileId}");
        var rows = await page.Locator("[data-testid=validation-report] tbody tr").AllTextContentsAsync();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("3", rows[0].Trim());
        Assert.StartsWith("5", rows[1].Trim());
        Assert.Contains("line 3", await page.TextContentAsync("[data-testid=validation-summary]"));
        await ConsoleServer.ScreenshotAsync(page, "file-report", forDocs: true);
    }

    [Fact]
    public async Task A_running_jobs_curve_gains_points_live_a_viewer_cannot_cancel_it_and_an_admin_can()
    {
        var tenant = await server.NewTenantAsync();
        using var client = server.Client(tenant.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var jobId = (await JobCalls.CreateAsync(client, file, epochs: 50, batchSize: 1)).GetProperty("id").GetString()!;

        // The page is opened once; new steps arrive through the job's feed grain without any reload.
        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        await page.GotoAsync($"/admin/jobs/{jobId}");
        try { await page.WaitForSelectorAsync("[data-testid=feed-state]:has-text('live')"); }
        catch (TimeoutException) { await ConsoleServer.ScreenshotAsync(page, "debug-not-live"); throw; }
        var chart = page.Locator("[data-testid=loss-chart]");
        var first = await WaitForPointsAsync(chart, atLeast: 1);
        var watch = Stopwatch.StartNew();
        var later = await WaitForPointsAsync(chart, atLeast: first + 3);
        Assert.True(later > first);
        Assert.Equal(1, await page.Locator("[data-testid=loss-chart] svg").CountAsync());
        var latency = await page.TextContentAsync("[data-testid=feed-state]");
        TestContext.Current.SendDiagnosticMessage($"loss chart {first} → {later} points in {watch.ElapsedMilliseconds} ms; {latency}");
        await ConsoleServer.ScreenshotAsync(page, "job-live", forDocs: true);

        // A viewer sees the cancel button disabled; re-enabling it in the page and submitting is refused by the server.
        var viewer = await server.SignInOperatorAsync(ConsoleServer.ViewerEmail);
        await viewer.GotoAsync($"/admin/jobs/{jobId}");
        var cancel = viewer.Locator("[data-testid=job-cancel]");
        Assert.True(await cancel.IsDisabledAsync());
        await cancel.EvaluateAsync("b => b.removeAttribute('disabled')");
        var refused = await viewer.RunAndWaitForResponseAsync(() => cancel.ClickAsync(), r => r.Url.Contains("/actions/jobs/"));
        Assert.Equal(403, refused.Status);
        Assert.Equal("running", (await JobCalls.GetAsync(client, jobId)).GetProperty("status").GetString());

        // The admin cancels from the console: the page, the API and the job list all say cancelled.
        var cancelled = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("[data-testid=job-cancel]"), r => r.Url.Contains("/actions/jobs/"));
        Assert.Equal(302, cancelled.Status);
        await JobCalls.WaitForAsync(client, jobId, s => s == "cancelled", TimeSpan.FromSeconds(30));
        await ConsoleServer.ScreenshotAsync(page, "job-cancelled");
        await page.WaitForSelectorAsync("[data-testid=job-status]:has-text('cancelled')", new() { Timeout = 10_000 });
        await page.GotoAsync($"/admin/jobs?tenant={tenant.TenantId}");
        Assert.Contains("cancelled", await page.Locator($"tr[data-job='{jobId}']").TextContentAsync());
        await ConsoleServer.ScreenshotAsync(page, "jobs", forDocs: true);
    }

    [Fact]
    public async Task A_tenant_signed_in_to_the_console_sees_its_own_jobs_and_not_another_tenants()
    {
        var mine = await server.NewTenantAsync();
        var theirs = await server.NewTenantAsync();
        var myJob = await QueuedThenCancelledJobAsync(mine.Key);
        var theirJob = await QueuedThenCancelledJobAsync(theirs.Key);

        var page = await server.SignInTenantAsync(mine.Key);
        Assert.EndsWith("/console", page.Url);
        await page.GotoAsync("/console/jobs");
        var table = await page.TextContentAsync("[data-testid=job-table]");
        Assert.Contains(myJob, table);
        Assert.DoesNotContain(theirJob, table);
        await ConsoleServer.ScreenshotAsync(page, "tenant-console", forDocs: true);
        await page.GotoAsync($"/console/jobs/{theirJob}");
        Assert.Contains("No such job", await page.ContentAsync());
        var operatorsOnly = await page.GotoAsync("/admin/tenants");
        Assert.Equal(403, operatorsOnly!.Status);
        Assert.DoesNotContain(theirs.TenantId, await page.ContentAsync());
        foreach (var cookie in await page.Context.CookiesAsync()) Assert.DoesNotContain(mine.Key, cookie.Value);
        Assert.Equal("null", await page.EvaluateAsync<string>("() => JSON.stringify(Object.keys(localStorage).length ? localStorage : null)"));
    }

    [Fact]
    public async Task The_audit_log_lists_the_actions_taken()
    {
        var tenant = await server.NewTenantAsync(); // admin key: tenant.created, key.issued
        var jobId = await QueuedJobAsync(tenant.Key);
        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        await page.GotoAsync($"/admin/jobs/{jobId}");
        await page.ClickAsync("[data-testid=job-cancel]");
        await page.WaitForSelectorAsync("[data-testid=job-status]:has-text('cancelled')");
        await page.GotoAsync($"/admin/tenants/{tenant.TenantId}");
        await page.ClickAsync("[data-testid=tenant-suspend]");
        await page.WaitForSelectorAsync("[data-testid=tenant-resume]");

        await page.GotoAsync($"/admin/audit?tenant={tenant.TenantId}");
        var rows = await page.Locator("[data-testid=audit-table] tbody tr").AllTextContentsAsync();
        Assert.Contains(rows, r => r.Contains("admin-key") && r.Contains("tenant.created"));
        Assert.Contains(rows, r => r.Contains("admin-key") && r.Contains("key.issued"));
        Assert.Contains(rows, r => r.Contains(ConsoleServer.AdminEmail) && r.Contains("job.cancelled") && r.Contains(jobId));
        Assert.Contains(rows, r => r.Contains(ConsoleServer.AdminEmail) && r.Contains("tenant.suspended"));
        await ConsoleServer.ScreenshotAsync(page, "audit", forDocs: true);

        using var admin = server.Admin();
        var api = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?tenant_id={tenant.TenantId}", Ct);
        var actions = api.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["tenant.suspended", "job.cancelled", "key.issued", "tenant.created"], actions);
    }

    private async Task<string> QueuedJobAsync(string key)
    {
        using var client = server.Client(key);
        var file = await JobCalls.UploadSampleAsync(client);
        // Paused at once so it never takes a training slot from the other tests.
        var id = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        await JobCalls.PostAsync(client, id, "pause");
        await JobCalls.WaitForAsync(client, id, s => s == "paused", TimeSpan.FromSeconds(60));
        return id;
    }

    private async Task<string> QueuedThenCancelledJobAsync(string key)
    {
        var id = await QueuedJobAsync(key);
        using var client = server.Client(key);
        await JobCalls.PostAsync(client, id, "cancel");
        return id;
    }

    private static async Task<int> WaitForPointsAsync(ILocator chart, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var points = int.Parse((await chart.GetAttributeAsync("data-points"))!, System.Globalization.CultureInfo.InvariantCulture);
            if (points >= atLeast) return points;
            if (DateTime.UtcNow > deadline) Assert.Fail($"loss chart has {points} points, expected at least {atLeast}");
            await Task.Delay(100, Ct);
        }
    }
}
