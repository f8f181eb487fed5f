using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Platform.Api;

namespace Platform.Cli.Commands;

/// <summary>Serves with configuration from the environment only (containers, systemd): no local Postgres is started.</summary>
internal sealed class ServeCommand : ICommand
{
    public string Name => "serve";
    public string Usage => "[--roles <api,worker,inference>]";
    public string Summary => "serve as a cluster member (roles api and/or worker), settings from the environment";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var roles = args.Get("roles");
        args.RejectUnknown();
        var app = PlatformApp.Create(roles is null ? [] : [$"--Roles={roles}"]);
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
