using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Platform.Data.Postgres;
using Platform.Testing;

namespace Platform.Api.Tests.Clustering;

/// <summary>
/// Drives Orleans' own ADO.NET membership provider (the classes a silo and a client use) directly against our
/// migrated schema, so that every query key in OrleansQuery runs with the parameters Orleans binds and the
/// result columns it reads, including the conditional-write failure paths a two-silo run rarely hits.
/// </summary>
public sealed class AdoNetMembershipTableTests
{
    [Fact]
    public async Task Provider_runs_every_clustering_query_against_our_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await TestPostgres.CreateMigratedDatabaseAsync(ct);
        OrleansAdoNet.RegisterNpgsqlProvider();
        var cluster = new ClusterOptions { ClusterId = "mt-" + Guid.NewGuid().ToString("N")[..8], ServiceId = "platform-tests" };
        using var services = new ServiceCollection().BuildServiceProvider();
        var table = new AdoNetClusteringTable(
            services,
            Options.Create(cluster),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = cs }),
            NullLogger<AdoNetClusteringTable>.Instance);

        // Loads the catalogue (the provider throws if a required key is missing) and runs
        // InsertMembershipVersionKey; the second time the version row exists already.
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);

        var empty = await table.ReadAllAsync(ct);
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var start = Truncate(DateTime.UtcNow.AddMinutes(-10));
        var a = Entry(11111, 1, SiloStatus.Active, proxyPort: 30000, start);
        var b = Entry(22222, 1, SiloStatus.Active, proxyPort: 30001, start);

        // InsertMembershipKey: succeeds at the current version, fails at a stale one.
        Assert.True(await table.InsertRowAsync(a, empty.Version.Next(), ct));
        Assert.False(await table.InsertRowAsync(b, empty.Version.Next(), ct));

        // A duplicate row at the right version fails, and the version bump is undone with it.
        var v1 = (await table.ReadAllAsync(ct)).Version;
        Assert.Equal(1, v1.Version);
        Assert.False(await table.InsertRowAsync(a, v1.Next(), ct));
        Assert.Equal(v1, (await table.ReadAllAsync(ct)).Version);
        Assert.True(await table.InsertRowAsync(b, v1.Next(), ct));

        // MembershipReadRowKey: a hit returns the row with its fields, a miss still returns the version.
        var readA = await table.ReadRowAsync(a.SiloAddress, ct);
        var rowA = Assert.Single(readA.Members).Item1;
        Assert.Equal(a.SiloAddress, rowA.SiloAddress);
        Assert.Equal(a.SiloName, rowA.SiloName);
        Assert.Equal(a.HostName, rowA.HostName);
        Assert.Equal(SiloStatus.Active, rowA.Status);
        Assert.Equal(30000, rowA.ProxyPort);
        Assert.Equal(a.StartTime, rowA.StartTime);
        Assert.Equal(DateTimeKind.Utc, rowA.StartTime.Kind);
        var miss = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 9, 9), ct);
        Assert.Empty(miss.Members);
        Assert.Equal(2, miss.Version.Version);

        // UpdateMembershipKey: status and suspicions change at the current version, nothing at a stale one,
        // and nothing (version included) for a row that does not exist.
        // (Orleans 10.4 hands out the table version as every row's etag and wants it back unchanged.)
        var read2 = await table.ReadAllAsync(ct);
        var (_, etagB) = read2.TryGet(b.SiloAddress)!;
        b.Status = SiloStatus.Dead;
        b.SuspectTimes = [Tuple.Create(a.SiloAddress, start.AddMinutes(1))];
        Assert.True(await table.UpdateRowAsync(b, etagB, read2.Version.Next(), ct));
        Assert.False(await table.UpdateRowAsync(b, etagB, read2.Version.Next(), ct));
        var v3 = (await table.ReadAllAsync(ct)).Version;
        Assert.False(await table.UpdateRowAsync(Entry(33333, 1, SiloStatus.Active, 0, start), v3.VersionEtag, v3.Next(), ct));
        Assert.Equal(v3, (await table.ReadAllAsync(ct)).Version);
        var rowB = Assert.Single((await table.ReadRowAsync(b.SiloAddress, ct)).Members).Item1;
        Assert.Equal(SiloStatus.Dead, rowB.Status);
        var suspicion = Assert.Single(rowB.SuspectTimes!);
        Assert.Equal(a.SiloAddress, suspicion.Item1);
        Assert.Equal(start.AddMinutes(1), suspicion.Item2);

        // UpdateIAmAlivetimeKey: moves the heartbeat, leaves the version alone.
        a.IAmAliveTime = Truncate(DateTime.UtcNow);
        await table.UpdateIAmAliveAsync(a, ct);
        var afterHeartbeat = await table.ReadAllAsync(ct);
        Assert.Equal(v3, afterHeartbeat.Version);
        Assert.Equal(a.IAmAliveTime, afterHeartbeat.TryGet(a.SiloAddress)!.Item1.IAmAliveTime);

        // GatewaysQueryKey, through the client-side provider: only Active silos with a gateway port.
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = cs }),
            Options.Create(new GatewayOptions()),
            Options.Create(cluster));
        await gateways.InitializeGatewayListProvider();
        var gateway = Assert.Single(await gateways.GetGateways());
        Assert.Equal(30000, gateway.Port);

        // Defunct clean-up (the provider uses the row-wise CleanupDefunctSiloEntryKey when present): the Dead
        // silo whose times are all before the cut-off goes, the Active one stays whatever its age.
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), ct);
        var afterCleanup = await table.ReadAllAsync(ct);
        Assert.Equal(a.SiloAddress, Assert.Single(afterCleanup.Members).Item1.SiloAddress);

        // The bulk CleanupDefunctSiloEntriesKey is required but only used by the provider when the row-wise key
        // is missing, so run its statement directly with the provider's parameter names.
        var c = Entry(44444, 1, SiloStatus.Dead, 0, start);
        Assert.True(await table.InsertRowAsync(c, afterCleanup.Version.Next(), ct));
        await RunStoredQueryAsync(cs, "CleanupDefunctSiloEntriesKey", ct,
            ("DeploymentId", cluster.ClusterId), ("IAmAliveTime", DateTime.UtcNow.AddMinutes(1)));
        Assert.Equal(a.SiloAddress, Assert.Single((await table.ReadAllAsync(ct)).Members).Item1.SiloAddress);

        // DeleteMembershipTableEntriesKey: the cluster's rows and its version row are gone.
        await table.DeleteMembershipTableEntriesAsync(cluster.ClusterId, ct);
        Assert.Equal(0L, await ScalarAsync(cs, "SELECT count(*) FROM OrleansMembershipTable", ct));
        Assert.Equal(0L, await ScalarAsync(cs, "SELECT count(*) FROM OrleansMembershipVersionTable", ct));
    }

    [Fact]
    public async Task Catalogue_holds_exactly_the_clustering_keys_of_Orleans_10()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await TestPostgres.CreateMigratedDatabaseAsync(ct);
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY 1", conn);
        var keys = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));

        // The nine keys the provider requires (DbStoredQueries), plus the optional row-wise clean-up key.
        Assert.Equal(
            new[]
            {
                "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey",
                "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
                "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
            },
            keys.Order(StringComparer.Ordinal));
    }

    private static MembershipEntry Entry(int port, int generation, SiloStatus status, int proxyPort, DateTime start) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation),
        SiloName = $"silo-{port}",
        HostName = "test-host",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = start,
        IAmAliveTime = start,
    };

    // Whole milliseconds, so values compare exactly after a trip through timestamptz (microseconds) and through
    // the suspect-times text format (milliseconds).
    private static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    private static async Task RunStoredQueryAsync(string cs, string key, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var load = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = $1", conn);
        load.Parameters.AddWithValue(key);
        var text = (string)(await load.ExecuteScalarAsync(ct))!;
        await using var cmd = new NpgsqlCommand(text, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct);
    }
}
