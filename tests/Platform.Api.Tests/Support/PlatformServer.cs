using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Postgres;
using Platform.Testing;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The real service on a loopback port: Kestrel, the Orleans silo and a fresh migrated Postgres database.
/// One per test class; tests make their own tenants so they do not see each other's data.
/// </summary>
public class PlatformServer : IAsyncLifetime
{
    public const string AdminKey = "sk-admin-test-key";
    private WebApplication? _app;

    public string ConnectionString { get; private set; } = "";
    public string StorageRoot { get; } = Path.Combine(Path.GetTempPath(), "platform-test-store-" + Guid.NewGuid().ToString("N")[..8]);
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>Limits small enough to hit in a test; a subclass may change them.</summary>
    protected virtual Dictionary<string, string?> Settings() => new()
    {
        ["Files:MaxUploadBytes"] = (256 * 1024).ToString(),
        ["Tenants:StorageQuotaBytes"] = (1024 * 1024).ToString(),
        ["Datasets:MaxExampleTokens"] = "200",
        ["RateLimit:RequestsPerSecond"] = "1000",
        ["RateLimit:Burst"] = "1000",
        ["Scheduler:Capacity"] = "2",
        ["Scheduler:LeaseTimeout"] = "00:00:05",
        ["Scheduler:SweepInterval"] = "00:00:00.500",
        ["Worker:Slots"] = "2",
        ["Worker:HeartbeatInterval"] = "00:00:00.300",
        ["Worker:MetricsInterval"] = "00:00:00.200",
    };

    /// <summary>Starts what the subclass's settings need (e.g. a broker) before the first start.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Replaces services before the platform registers its own (it adds only what is missing).</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public virtual async ValueTask InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken);
        await BeforeStartAsync();
        await StartAsync();
    }

    /// <summary>Starts (or, after <see cref="StopAsync"/>, restarts) the service on the same database and store.</summary>
    public async Task StartAsync()
    {
        var settings = Settings();
        settings["ConnectionStrings:Platform"] = ConnectionString;
        settings["Storage:Root"] = StorageRoot;
        settings["Admin:Key"] = AdminKey;
        settings.TryAdd("Cluster:ClusterId", "test-" + Guid.NewGuid().ToString("N")[..8]);
        settings["Cluster:SiloPort"] = LocalPostgresCluster.FreeLoopbackPort().ToString();
        settings["Cluster:GatewayPort"] = LocalPostgresCluster.FreeLoopbackPort().ToString();
        _app = PlatformApp.Create(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            ConfigureServices(b.Services);
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _app = null;
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    public sealed record TenantWithKey(string TenantId, string KeyId, string Key);

    /// <summary>A new tenant with one API key, made through the admin API.</summary>
    public async Task<TenantWithKey> NewTenantAsync(string? name = null, long? quota = null, int? maxConcurrentJobs = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = Admin();
        var created = await admin.PostAsJsonAsync("/admin/v1/tenants",
            new { name = name ?? "t-" + Guid.NewGuid().ToString("N")[..10], storage_quota_bytes = quota, max_concurrent_jobs = maxConcurrentJobs }, ct);
        created.EnsureSuccessStatusCode();
        var tenantId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetString()!;
        var issued = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenantId}/api-keys", new { name = "test" }, ct);
        issued.EnsureSuccessStatusCode();
        var key = await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        return new TenantWithKey(tenantId, key.GetProperty("id").GetString()!, key.GetProperty("key").GetString()!);
    }

    /// <summary>Stops what the subclass started beside the service (e.g. worker processes) before the service stops.</summary>
    protected virtual ValueTask BeforeDisposeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await BeforeDisposeAsync();
        await StopAsync();
        try { Directory.Delete(StorageRoot, recursive: true); } catch (DirectoryNotFoundException) { }
        GC.SuppressFinalize(this);
    }
}
