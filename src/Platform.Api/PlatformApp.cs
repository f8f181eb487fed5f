using Platform.Api.Apis;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Hosting;
using Platform.WebConsole;

namespace Platform.Api;

/// <summary>The service: an Orleans silo with the roles configured (REST API, training worker and inference by default, in one process).</summary>
public static class PlatformApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Warning);
        configure?.Invoke(builder);
        // The operator's key may come from PLATFORM_ADMIN_KEY (documented name) unless configuration sets Admin:Key.
        if (string.IsNullOrEmpty(builder.Configuration["Admin:Key"]))
            builder.Configuration["Admin:Key"] = Environment.GetEnvironmentVariable("PLATFORM_ADMIN_KEY");
        builder.AddPlatformServices();
        builder.UseConsoleAssets();

        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        if (!app.Services.GetRequiredService<PlatformRoles>().Api) return app;

        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapAdminTenantsApi();
        app.MapAdminWorkersApi();
        app.MapAdminInferenceApi();
        app.MapAdminActionsApi();
        app.MapAdminAuditApi();
        app.MapPlatformConsole(ConsoleAssets.EndpointsManifest);

        var v1 = app.MapGroup("/v1")
            .AddEndpointFilter<TenantKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .RequireRateLimiting(PerKeyRateLimiting.Policy);
        v1.MapFilesApi();
        v1.MapFineTuningJobsApi();
        v1.MapModelsApi();
        v1.MapChatCompletionsApi();
        v1.MapCompletionsApi();
        v1.MapWebhooksApi();
        return app;
    }
}
