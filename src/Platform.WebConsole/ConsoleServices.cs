using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Platform.WebConsole.Actions;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Queries;
using Platform.Domain.Audit;

namespace Platform.WebConsole;

public static class ConsoleServices
{
    /// <summary>The web console: Blazor (interactive server), MudBlazor, the console cookie and its policies, queries and actions.</summary>
    public static IServiceCollection AddPlatformConsole(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        services.Configure<ConsoleOptions>(configuration.GetSection(ConsoleOptions.Section));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery();
        services.AddAuthentication(ConsoleRoles.Scheme).AddCookie(ConsoleRoles.Scheme, cookie =>
        {
            cookie.Cookie.Name = ".platform.console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.ExpireTimeSpan = options.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = TenantSessionValidator.ValidateAsync;
            cookie.Events.OnRedirectToLogin = context =>
            {
                var login = context.Request.Path.StartsWithSegments("/console") ? "/console/login" : "/admin/login";
                if (context.Request.Method != HttpMethods.Get) { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; }
                context.Response.Redirect($"{login}?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
                return Task.CompletedTask;
            };
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return context.Response.WriteAsync("Forbidden: your sign-in does not give access to this page.");
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleRoles.OperatorPolicy, p => p.RequireRole(ConsoleRoles.Admin, ConsoleRoles.Viewer))
            .AddPolicy(ConsoleRoles.AdminPolicy, p => p.RequireRole(ConsoleRoles.Admin))
            .AddPolicy(ConsoleRoles.TenantPolicy, p => p.RequireRole(ConsoleRoles.Tenant).RequireClaim(ConsoleRoles.TenantIdClaim));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<OperatorAccounts>();
        services.AddSingleton<ConsoleActions>();
        services.AddSingleton<JobQueries>();
        services.AddSingleton<TenantQueries>();
        services.AddSingleton<FileQueries>();
        services.AddSingleton<ModelQueries>();
        services.AddSingleton<WebhookQueries>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<OverviewQueries>();
        services.AddSingleton<InferenceQueries>();
        return services;
    }
}
