using System.Net;
using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Tenants;

public sealed class AdoNetClusteredServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Cluster:Clustering"] = "adonet";
        s["Cluster:AdvertisedIPAddress"] = "127.0.0.1";
        return s;
    }
}

/// <summary>The host configured for distributed mode: silo membership in Postgres, same API behaviour.</summary>
public sealed class AdoNetHostedServerTests(AdoNetClusteredServer server) : IClassFixture<AdoNetClusteredServer>
{
    [Fact]
    public async Task With_adonet_clustering_the_silo_registers_in_postgres_and_grains_serve_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        await Uploads.UploadAsync(client, "a.jsonl", Uploads.Chat("hi", "hello") + "\n");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/files", ct)).StatusCode);

        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", conn);
        Assert.Equal(1L, await cmd.ExecuteScalarAsync(ct));
    }
}
