using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Platform.Api.Tests.Support;
using Platform.Data;
using Platform.WebConsole;
using Platform.WebConsole.Auth;

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
        await ConsoleServer.ScreenshotAsync(page, "signed-in");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_operator_out_even_with_the_right_one()
    {
        const string email = "forgetful@example.com";
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct))
            await OperatorAccounts.AddOrUpdateAsync(db, email, ConsoleRoles.Admin, ConsoleServer.Password, DateTimeOffset.UtcNow, Ct);
        var max = server.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.MaxFailedSignIns;
        IPage page = null!;
        for (var i = 1; i < max; i++)
        {
            page = await server.SignInOperatorAsync(email, $"wrong {i}");
            Assert.Equal("Wrong credentials.", (await page.TextContentAsync("[data-testid=signin-error]"))?.Trim());
        }
        page = await server.SignInOperatorAsync(email, $"wrong {max}");
        const string locked = "Too many failed sign-ins: this account is locked for a while.";
        Assert.Equal(locked, (await page.TextContentAsync("[data-testid=signin-error]"))?.Trim());
        page = await server.SignInOperatorAsync(email);
        Assert.Contains("/admin/login", page.Url);
        Assert.Equal(locked, (await page.TextContentAsync("[data-testid=signin-error]"))?.Trim());
        await ConsoleServer.ScreenshotAsync(page, "signin-locked");
    }

    [Fact]
    public async Task Models_show_where_an_adapter_is_resident_download_it_and_an_admin_deletes_it_everywhere()
    {
        var tenant = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var model = await Completions.RegisterAdapterModelAsync(server, tenant.TenantId);
        var theirs = await Completions.RegisterAdapterModelAsync(server, other.TenantId, seed: 2);
        using var client = server.Client(tenant.Key);
        var (called, _) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, "Who are you?", maxTokens: 4));
        Assert.True(called.IsSuccessStatusCode);

        // The inference process announces its engines every couple of seconds: the pages show the adapter resident.
        var page = await server.SignInOperatorAsync(ConsoleServer.AdminEmail);
        var row = page.Locator($"tr[data-model='{model}']");
        await ReloadUntilAsync(page, "/admin/models", async () => (await row.Locator("[data-testid=resident-on]").TextContentAsync())!.Contains("pid"));
        Assert.Contains("pid", await page.Locator("[data-testid=base-model-table] tr[data-base='qwen3-tiny']").TextContentAsync());
        await ConsoleServer.ScreenshotAsync(page, "models", forDocs: true);
        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=download-adapter]").ClickAsync());
        Assert.Contains("adapter_config.json", await TarEntriesAsync(await File.ReadAllBytesAsync((await download.PathAsync())!, Ct)));

        await ReloadUntilAsync(page, "/admin", async () => (await page.Locator("[data-testid=inference-silos] tr[data-base='qwen3-tiny']").AllTextContentsAsync()).Any(r => r.Contains(model)));
        Assert.Contains("loaded", await page.Locator("[data-testid=inference-silos] tr[data-base='qwen3-tiny']").First.TextContentAsync());
        await ConsoleServer.ScreenshotAsync(page, "overview", forDocs: true);

        // The tenant sees its own model resident (how many processes, not which hosts), downloads it, and not another's.
        var tenantPage = await server.SignInTenantAsync(tenant.Key);
        await tenantPage.GotoAsync("/console/models");
        Assert.Contains("inference process(es)", await tenantPage.Locator($"tr[data-model='{model}'] [data-testid=resident-on]").TextContentAsync());
        Assert.DoesNotContain(theirs, await tenantPage.ContentAsync());
        var own = await tenantPage.APIRequest.GetAsync($"/console/models/{Uri.EscapeDataString(model)}/adapter");
        Assert.Contains("adapter_model.safetensors", await TarEntriesAsync(await own.BodyAsync()));
        Assert.Equal(404, (await tenantPage.APIRequest.GetAsync($"/console/models/{Uri.EscapeDataString(theirs)}/adapter")).Status);
        await tenantPage.GotoAsync("/console");
        Assert.NotEqual("0", (await tenantPage.TextContentAsync("[data-testid=usage-inference]"))?.Trim()); // from inference_usage

        // An admin deletes it in the console: gone for the tenant, unloaded from the pool, and audited.
        var deleted = await page.RunAndWaitForResponseAsync(async () =>
        {
            await page.GotoAsync("/admin/models");
            await row.Locator("[data-testid=delete-model]").ClickAsync();
        }, r => r.Url.Contains("/actions/models/"));
        Assert.Equal(302, deleted.Status);
        await page.WaitForURLAsync("**/admin/models");
        Assert.Equal(0, await row.CountAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/v1/models/{Uri.EscapeDataString(model)}", Ct)).StatusCode);
        using var admin = server.Admin();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await admin.GetStringAsync("/admin/v1/inference", Ct)).Contains(model))
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted adapter is still resident");
            await Task.Delay(200, Ct);
        }
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?action=model.deleted&tenant_id={tenant.TenantId}", Ct);
        var entry = Assert.Single(audit.GetProperty("data").EnumerateArray());
        Assert.Equal((ConsoleServer.AdminEmail, model), (entry.GetProperty("actor").GetString(), entry.GetProperty("target").GetString()));
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
        await viewer.WaitForSelectorAsync("[data-testid=feed-state]:has-text('live')");
        var cancel = viewer.Locator("[data-testid=job-cancel]");
        Assert.True(await cancel.IsDisabledAsync());
        // Enabled and submitted in one script: a re-render between the two steps (the circuit replacing the
        // prerendered page) would otherwise restore the attribute and leave the click waiting.
        var refused = await viewer.RunAndWaitForResponseAsync(
            () => cancel.EvaluateAsync("b => { b.removeAttribute('disabled'); b.form.requestSubmit(b); }"),
            r => r.Url.Contains("/actions/jobs/"));
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
        // Paused at once so it never takes a training slot from the other tests; 20 steps, so that it cannot finish
        // between creation and the pause (one step did, in a CI run).
        var id = (await JobCalls.CreateAsync(client, file, epochs: 20, batchSize: 9)).GetProperty("id").GetString()!;
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

    /// <summary>Reloads the page until the condition holds (pages that are not live show what was true when they were served).</summary>
    private static async Task ReloadUntilAsync(IPage page, string path, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await page.GotoAsync(path);
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) { await ConsoleServer.ScreenshotAsync(page, "debug-reload-until"); Assert.Fail($"{path} never showed what was expected"); }
            await Task.Delay(500, Ct);
        }
    }

    private static async Task<List<string>> TarEntriesAsync(byte[] tarGz)
    {
        await using var gzip = new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (await tar.GetNextEntryAsync(cancellationToken: Ct) is { } entry) names.Add(entry.Name);
        return names;
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
