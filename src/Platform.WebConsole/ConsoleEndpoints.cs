using Microsoft.AspNetCore.Builder;
using Platform.WebConsole.Actions;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Components;
using Platform.WebConsole.Downloads;

namespace Platform.WebConsole;

public static class ConsoleEndpoints
{
    /// <summary>/admin (operators) and /console (tenants): sign-in posts, action posts, adapter downloads, the Blazor pages and their assets.</summary>
    /// <param name="staticAssetsManifest">The static-web-assets endpoints manifest; null serves wwwroot as plain files.</param>
    public static WebApplication MapPlatformConsole(this WebApplication app, string? staticAssetsManifest)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        if (staticAssetsManifest is null) app.UseStaticFiles();
        else app.MapStaticAssets(staticAssetsManifest);
        app.MapConsoleSignIn();
        app.MapConsoleActions();
        app.MapConsoleDownloads();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
