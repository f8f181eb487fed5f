using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Platform.Api;

namespace Platform.Cli.Commands;

/// <summary>Serves with configuration from the environment only (containers, systemd): no local Postgres is started.</summary>
internal sealed class ServeCommand : ICommand
{
    public string Name => "serve";
    public string Usage => "[--roles <api,worker,inference>] [--device <auto|cpu|cuda:N>]";
    public string Summary => "serve as a cluster member (roles api, worker and/or inference), settings from the environment";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var roles = args.Get("roles");
        var device = args.Get("device");
        args.RejectUnknown();
        string[] settings = [.. roles is null ? [] : new[] { $"--Roles={roles}" }, .. device is null ? [] : new[] { $"--Worker:Device={device}" }];
        var app = PlatformApp.Create(settings);
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
