using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data;

namespace Platform.Migrations;

/// <summary>
/// Brings a database to the current schema: creates it if missing, applies EF Core migrations,
/// then the versioned SQL scripts under Sql/ (Orleans' ADO.NET tables), each once, in order.
/// </summary>
public sealed partial class PlatformMigrator(string connectionString, ILogger logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(cancellationToken);

        var options = new DbContextOptionsBuilder<PlatformDbContext>();
        DataServiceCollectionExtensions.Configure(options, connectionString);
        await using (var db = new PlatformDbContext(options.Options))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await db.Database.MigrateAsync(cancellationToken);
            foreach (var m in pending) LogApplied(logger, m);
        }

        await ApplySqlScriptsAsync(cancellationToken);
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(target.Database!);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"")}\"", conn);
        await create.ExecuteNonQueryAsync(cancellationToken);
        LogCreatedDatabase(logger, target.Database);
    }

    private async Task ApplySqlScriptsAsync(CancellationToken cancellationToken)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await Exec(conn, null, """
            CREATE TABLE IF NOT EXISTS platform_sql_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

        foreach (var (version, sql) in SqlScripts())
        {
            await using var tx = await conn.BeginTransactionAsync(cancellationToken);
            // A second migrator running at the same time waits here instead of applying the script twice.
            await Exec(conn, tx, "LOCK TABLE platform_sql_migrations IN EXCLUSIVE MODE", cancellationToken);
            await using var check = new NpgsqlCommand("SELECT 1 FROM platform_sql_migrations WHERE version = $1", conn, tx);
            check.Parameters.AddWithValue(version);
            if (await check.ExecuteScalarAsync(cancellationToken) is not null) { await tx.RollbackAsync(cancellationToken); continue; }
            await Exec(conn, tx, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO platform_sql_migrations (version) VALUES ($1)", conn, tx);
            record.Parameters.AddWithValue(version);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            LogApplied(logger, version);
        }
    }

    /// <summary>Embedded Sql/*.sql in name order; the file name without extension is the version.</summary>
    public static IEnumerable<(string Version, string Sql)> SqlScripts()
    {
        var asm = typeof(PlatformMigrator).Assembly;
        const string prefix = "Platform.Migrations.Sql.";
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}")]
    private static partial void LogCreatedDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    private static partial void LogApplied(ILogger logger, string migration);
}
