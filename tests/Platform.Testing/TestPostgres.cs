using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data.Postgres;
using Platform.Migrations;

namespace Platform.Testing;

/// <summary>
/// One real PostgreSQL server per test process (initdb in a temp folder, loopback port), started on first use
/// and stopped when the process exits. Each test class asks for a fresh, migrated database.
/// </summary>
public static class TestPostgres
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalPostgresCluster? _cluster;

    public static async Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken)
    {
        var cluster = await ServerAsync(cancellationToken);
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        var connectionString = cluster.ConnectionString(name);
        await new PlatformMigrator(connectionString, NullLogger.Instance).MigrateAsync(cancellationToken);
        return connectionString;
    }

    public static async Task<LocalPostgresCluster> ServerAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_cluster is not null) return _cluster;
            var dir = Path.Combine(Path.GetTempPath(), "platform-test-pg-" + Guid.NewGuid().ToString("N")[..8]);
            var cluster = new LocalPostgresCluster(dir, LocalPostgresCluster.FreeLoopbackPort());
            await cluster.InitialiseAsync(cancellationToken);
            await cluster.StartAsync(cancellationToken);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown(cluster);
            return _cluster = cluster;
        }
        finally { Gate.Release(); }
    }

    private static void Shutdown(LocalPostgresCluster cluster)
    {
        NpgsqlConnection.ClearAllPools();
        // Immediate: the data is deleted next, and a slow stop at process exit reads as a failed run to xunit.
        try { cluster.StopAsync(immediate: true, CancellationToken.None).GetAwaiter().GetResult(); } catch (InvalidOperationException) { }
        try { Directory.Delete(cluster.DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
