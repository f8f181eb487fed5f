using Microsoft.AspNetCore.Builder;
using Platform.WebConsole.Actions;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Components;

namespace Platform.WebConsole;

public static class ConsoleEndpoints
{
    /// <summary>/admin (operators) and /console (tenants): sign-in posts, action posts, the Blazor pages and their assets.</summary>
    public static WebApplication MapPlatformConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleSignIn();
        app.MapConsoleActions();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
