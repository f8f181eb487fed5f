using Microsoft.Extensions.Logging;
using Platform.Migrations;

namespace Platform.Cli.Commands;

/// <summary>Applies EF migrations and the versioned SQL under migrations/ to the configured or local database.</summary>
internal sealed class MigrateCommand : ICommand
{
    public string Name => "migrate";
    public string Usage => "[--connection <connection string>]";
    public string Summary => "apply database migrations (default: the local cluster that `up` uses)";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var connection = args.Get("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Platform");
        args.RejectUnknown();
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = logging.CreateLogger("migrate");
        if (connection is not null)
        {
            await new PlatformMigrator(connection, logger).MigrateAsync(cancellationToken);
            return 0;
        }

        await LocalEnvironment.EnsurePostgresInstalledAsync(cancellationToken);
        var pg = LocalEnvironment.Postgres;
        var started = await pg.EnsureRunningAsync(cancellationToken);
        try { await new PlatformMigrator(pg.ConnectionString(LocalEnvironment.Database), logger).MigrateAsync(cancellationToken); }
        finally { if (started) await pg.StopAsync(CancellationToken.None); }
        return 0;
    }
}
