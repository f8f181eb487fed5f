using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Platform.Data.Postgres;
using Platform.Testing;

namespace Platform.Api.Tests.Clustering;

/// <summary>
/// Two real silos in this process, clustered through the membership tables that our SQL migrations create
/// (0001_orleans_main.sql, 0002_orleans_clustering.sql) in a fresh PostgreSQL database.
/// </summary>
public sealed class AdoNetClusteringTests
{
    private const int Active = 3; // SiloStatus.Active
    private const int Dead = 6;   // SiloStatus.Dead

    [Fact]
    public async Task Two_silos_form_a_cluster_and_a_gracefully_stopped_silo_is_marked_dead()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        var output = TestContext.Current.TestOutputHelper!;
        var clock = Stopwatch.StartNew();

        var cs = await TestPostgres.CreateMigratedDatabaseAsync(ct);
        OrleansAdoNet.RegisterNpgsqlProvider();
        var clusterId = "it-" + Guid.NewGuid().ToString("N")[..8];

        var portA = LocalPostgresCluster.FreeLoopbackPort();
        var portB = LocalPostgresCluster.FreeLoopbackPort();
        using var siloA = BuildSilo(cs, clusterId, "silo-a", portA, output);
        using var siloB = BuildSilo(cs, clusterId, "silo-b", portB, output);
        var running = new List<IHost>();
        try
        {
            // Listed before starting, so that a silo that fails half-way through starting is still stopped.
            running.Add(siloA);
            await siloA.StartAsync(ct);
            running.Add(siloB);
            await siloB.StartAsync(ct);
            output.WriteLine($"both silos started after {clock.Elapsed.TotalSeconds:F1}s");

            // StartAsync returns once the silo has declared itself Active in the table.
            var rows = await MembershipAsync(cs, clusterId, ct);
            Assert.Equal(Active, rows[portA]);
            Assert.Equal(Active, rows[portB]);

            // Both silos serve grains: randomly placed activations land on both. Silo A may take a moment to
            // learn of B and of the grain types B hosts, so keep activating new keys until B has answered too.
            var grains = siloA.Services.GetRequiredService<IGrainFactory>();
            var placed = new Dictionary<long, int>();
            await WaitUntilAsync(async () =>
            {
                foreach (var key in Enumerable.Range(placed.Count + 1, 8))
                    placed[key] = await grains.GetGrain<IWhereAmIGrain>(key).SiloPort();
                return placed.ContainsValue(portA) && placed.ContainsValue(portB);
            }, "grains activated on both silos", ct);

            // Graceful stop: silo B walks its own row through ShuttingDown/Stopping to Dead on its way down.
            var stopping = Stopwatch.StartNew();
            await siloB.StopAsync(ct);
            running.Remove(siloB);
            output.WriteLine($"silo B stopped in {stopping.Elapsed.TotalSeconds:F1}s");

            await WaitUntilAsync(async () => (await MembershipAsync(cs, clusterId, ct))[portB] == Dead, "silo B's row Dead", ct);
            rows = await MembershipAsync(cs, clusterId, ct);
            Assert.Equal(Dead, rows[portB]);
            Assert.Equal(Active, rows[portA]);

            // Silo A keeps serving, now hosting every key, including those that lived on B.
            var membership = siloA.Services.GetRequiredService<IClusterMembershipService>();
            await WaitUntilAsync(() => Task.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 1),
                "silo A to see B gone", ct);
            var after = await Task.WhenAll(placed.Keys.Select(k => grains.GetGrain<IWhereAmIGrain>(k).SiloPort()));
            Assert.All(after, port => Assert.Equal(portA, port));
            output.WriteLine($"test body done after {clock.Elapsed.TotalSeconds:F1}s");
        }
        finally
        {
            // Stop whatever is still up, newest first, without hanging the run if something is wedged.
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            for (var i = running.Count - 1; i >= 0; i--)
            {
                try { await running[i].StopAsync(stopTimeout.Token); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(15)) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(100, ct);
        }
    }

    private static IHost BuildSilo(string connectionString, string clusterId, string name, int siloPort, ITestOutputHelper output) =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging
                .ClearProviders()
                .AddProvider(new TestOutputLoggerProvider(output, name, LogLevel.Warning)))
            .UseOrleans(silo => silo
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = OrleansAdoNet.Invariant;
                    o.ConnectionString = connectionString;
                })
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "platform-tests";
                })
                .Configure<SiloOptions>(o => o.SiloName = name)
                .ConfigureEndpoints(IPAddress.Loopback, siloPort, LocalPostgresCluster.FreeLoopbackPort()))
            .Build();

    /// <summary>Silo port -> status of this cluster's rows, straight from the table.</summary>
    private static async Task<Dictionary<int, int>> MembershipAsync(string connectionString, string clusterId, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT Port, Status FROM OrleansMembershipTable WHERE DeploymentId = $1 AND Address = '127.0.0.1'", conn);
        cmd.Parameters.AddWithValue(clusterId);
        var rows = new Dictionary<int, int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(reader.GetInt32(0), reader.GetInt32(1));
        return rows;
    }
}
