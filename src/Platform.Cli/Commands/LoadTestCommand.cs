using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Api;
using Platform.Cli.Load;
using Platform.Data.Postgres;
using Platform.Migrations;

namespace Platform.Cli.Commands;

/// <summary>
/// A bounded load run on loopback only: a throwaway Postgres and server, N tenants × M jobs on qwen3-tiny submitted
/// at once; checks none is lost and per-tenant limits hold; prints wall time and API latency percentiles.
/// </summary>
internal sealed class LoadTestCommand : ICommand
{
    public string Name => "loadtest";
    public string Usage => "[--tenants <20>] [--jobs <3>] [--capacity <2>] [--max-concurrent <1>] [--timeout-minutes <30>]";
    public string Summary => "bounded loopback load run: tenants × jobs on qwen3-tiny, latency percentiles";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        int tenants = args.Int("tenants", 20), jobs = args.Int("jobs", 3), capacity = args.Int("capacity", 2), limit = args.Int("max-concurrent", 1);
        var timeout = TimeSpan.FromMinutes(args.Int("timeout-minutes", 30));
        args.RejectUnknown();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var ct = bounded.Token;

        await LocalEnvironment.EnsurePostgresInstalledAsync(ct);
        // Not CreateTempSubdirectory: its 0700 folder would keep the postgres user out.
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-load-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var pg = new LocalPostgresCluster(Path.Combine(work, "pg"), LocalPostgresCluster.FreeLoopbackPort());
        await pg.InitialiseAsync(ct);
        await pg.StartAsync(ct);
        try
        {
            var cs = pg.ConnectionString("platform");
            await new PlatformMigrator(cs, NullLogger.Instance).MigrateAsync(ct);
            var app = PlatformApp.Create(["--urls", "http://127.0.0.1:0"], b =>
            {
                b.Logging.SetMinimumLevel(LogLevel.Warning);
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:Platform"] = cs, ["Storage:Root"] = Path.Combine(work, "store"), ["Admin:Key"] = "load-admin",
                    ["Scheduler:Capacity"] = capacity.ToString(), ["Worker:Slots"] = capacity.ToString(),
                    ["RateLimit:RequestsPerSecond"] = "1000", ["RateLimit:Burst"] = "1000",
                    ["Webhooks:AllowedHosts:0"] = "127.0.0.1", ["Webhooks:PollInterval"] = "00:00:00.050",
                });
            });
            await app.StartAsync(ct);
            var baseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            try { return await DriveAsync(baseUri, cs, tenants, jobs, limit, ct); }
            finally { await app.StopAsync(CancellationToken.None); }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await pg.StopAsync(CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> DriveAsync(Uri baseUri, string cs, int tenants, int jobs, int limit, CancellationToken ct)
    {
        var latency = new LatencyRecorder();
        using var http = new HttpClient { BaseAddress = baseUri };
        await using var probe = await WebhookLatencyProbe.StartAsync(ct);
        var sample = await File.ReadAllTextAsync(Path.Combine(LocalEnvironment.Root, "docs", "samples", "self-cognition.jsonl"), ct);
        var wall = Stopwatch.StartNew();

        async Task<List<string>> Tenant(int i)
        {
            var admin = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/tenants") { Content = JsonContent.Create(new { name = $"load-{i}", max_concurrent_jobs = limit }) };
            admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "load-admin");
            var tenant = await Json(await latency.TimeAsync("create tenant", () => http.SendAsync(admin, ct)), ct);
            var keyRequest = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/tenants/{tenant.GetProperty("id").GetString()}/api-keys") { Content = JsonContent.Create(new { name = "load" }) };
            keyRequest.Headers.Authorization = admin.Headers.Authorization;
            var key = (await Json(await latency.TimeAsync("issue key", () => http.SendAsync(keyRequest, ct)), ct)).GetProperty("key").GetString()!;

            HttpRequestMessage Auth(HttpMethod method, string path, HttpContent? content = null)
            {
                var r = new HttpRequestMessage(method, path) { Content = content };
                r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                return r;
            }
            var hook = JsonContent.Create(new { url = probe.Url.ToString(), event_types = new[] { "fine_tuning.job.succeeded" } });
            await Json(await latency.TimeAsync("create webhook", () => http.SendAsync(Auth(HttpMethod.Post, "/v1/webhooks", hook), ct)), ct);
            var upload = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" }, { new StringContent(sample), "file", "train.jsonl" } };
            var file = (await Json(await latency.TimeAsync("upload file", () => http.SendAsync(Auth(HttpMethod.Post, "/v1/files", upload), ct)), ct)).GetProperty("id").GetString();
            var ids = new List<string>();
            for (var j = 0; j < jobs; j++)
            {
                var body = JsonContent.Create(new { model = "qwen3-tiny", training_file = file, hyperparameters = new { n_epochs = 1, batch_size = 9 } });
                ids.Add((await Json(await latency.TimeAsync("create job", () => http.SendAsync(Auth(HttpMethod.Post, "/v1/fine_tuning/jobs", body), ct)), ct)).GetProperty("id").GetString()!);
            }
            foreach (var id in ids)
                while (true)
                {
                    var status = (await Json(await latency.TimeAsync("get job", () => http.SendAsync(Auth(HttpMethod.Get, $"/v1/fine_tuning/jobs/{id}"), ct)), ct)).GetProperty("status").GetString();
                    if (status is "succeeded" or "failed" or "cancelled") break;
                    await Task.Delay(500, ct);
                }
            return ids;
        }

        var watch = LimitWatch.RunAsync(cs, ct);
        var all = (await Task.WhenAll(Enumerable.Range(0, tenants).Select(Tenant))).SelectMany(x => x).ToList();
        var elapsed = wall.Elapsed;
        var (maxPerTenant, statuses) = await watch.StopAsync(all);
        var (hookLatencies, missing) = await probe.CollectAsync(cs, all, ct);

        Console.WriteLine($"load run: {tenants} tenants × {jobs} jobs = {all.Count} jobs in {elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}"))}");
        Console.WriteLine($"  most concurrent runs seen for one tenant: {maxPerTenant} (limit {limit})");
        foreach (var line in latency.Report()) Console.WriteLine(line);
        if (hookLatencies.Length > 0)
            Console.WriteLine($"  webhook fine_tuning.job.succeeded, job finished → received: n={hookLatencies.Length} " +
                              $"p50={LatencyRecorder.Percentile(hookLatencies, 0.5):F1} ms p99={LatencyRecorder.Percentile(hookLatencies, 0.99):F1} ms, missing {missing}");
        var ok = statuses.GetValueOrDefault("succeeded") == all.Count && maxPerTenant <= limit && missing == 0;
        Console.WriteLine(ok ? "OK: every job succeeded, none lost, limits held, every webhook arrived" : "FAILED");
        return ok ? 0 : 1;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new CliException($"{(int)response.StatusCode}: {body}");
        return body;
    }
}
