using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Webhooks;
using Platform.Data;
using Platform.WebConsole.Auth;

namespace Platform.Api.Tests.Console;

/// <summary>The real service (webhooks to loopback allowed) with a console admin and a viewer, for tests that drive the console over plain HTTP.</summary>
public sealed class OperatorServer : WebhookServer
{
    public const string AdminEmail = "ops@example.com";
    public const string ViewerEmail = "viewer@example.com";
    public const string Password = "correct horse battery";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await AddOperatorsAsync(Services);
    }

    /// <summary>The console admin and viewer, as `platform admin add-user` makes them.</summary>
    public static async Task AddOperatorsAsync(IServiceProvider services)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(ct);
        await OperatorAccounts.AddOrUpdateAsync(db, AdminEmail, ConsoleRoles.Admin, Password, DateTimeOffset.UtcNow, ct);
        await OperatorAccounts.AddOrUpdateAsync(db, ViewerEmail, ConsoleRoles.Viewer, Password, DateTimeOffset.UtcNow, ct);
    }
}
