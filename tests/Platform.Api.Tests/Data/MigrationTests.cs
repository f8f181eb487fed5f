using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Migrations;
using Platform.Testing;

namespace Platform.Api.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrating_twice_creates_the_schema_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await TestPostgres.CreateMigratedDatabaseAsync(ct);
        await new PlatformMigrator(cs, NullLogger.Instance).MigrateAsync(ct);

        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('tenants','api_keys','files','admin_credentials')", conn);
        Assert.Equal(4L, await cmd.ExecuteScalarAsync(ct));
    }
}
