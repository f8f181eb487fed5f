using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api;
using Platform.Migrations;

namespace Platform.Cli.Commands;

/// <summary>Installs what is missing, starts the local Postgres, migrates, and serves everything in one process.</summary>
internal sealed class UpCommand : ICommand
{
    public string Name => "up";
    public string Usage => "[--urls <http://127.0.0.1:5080>]";
    public string Summary => "set up (Postgres, migrations) and serve API + silo + worker on http://127.0.0.1:5080";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var urls = args.Get("urls") ?? "http://127.0.0.1:5080";
        args.RejectUnknown();

        await LocalEnvironment.EnsurePostgresInstalledAsync(cancellationToken);
        var pg = LocalEnvironment.Postgres;
        await pg.EnsureRunningAsync(cancellationToken);
        Console.WriteLine($"PostgreSQL: {pg.DataDirectory} on 127.0.0.1:{pg.Port}");
        try
        {
            var connectionString = pg.ConnectionString(LocalEnvironment.Database);
            await new PlatformMigrator(connectionString, NullLogger.Instance).MigrateAsync(cancellationToken);

            var app = PlatformApp.Create(["--urls", urls], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Platform"] = connectionString,
                ["Storage:Root"] = Path.Combine(LocalEnvironment.DataDirectory, "artifacts"),
            }));
            Console.WriteLine($"Serving on {urls} (OpenAPI: {urls}/openapi/v1.json). Ctrl-C stops.");
            await app.StartAsync(cancellationToken);
            // Ctrl-C (SIGINT) or SIGTERM end it; in-flight requests finish before the silo and database stop.
            await app.WaitForShutdownAsync(cancellationToken);
            Console.WriteLine("Stopping…");
            await app.StopAsync(CancellationToken.None);
            return 0;
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
            Console.WriteLine("Stopped.");
        }
    }
}
