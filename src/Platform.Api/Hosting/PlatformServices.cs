using System.Text.Json;
using Platform.Api.Auth;
using Platform.Data;
using Platform.Domain.Datasets;
using Platform.Domain.Jobs;
using Platform.Domain.Jobs.Admission;
using Platform.Domain.Models;
using Platform.Domain.Webhooks;
using Platform.Domain.Tenants;
using Platform.Domain.Workers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Storage;
using Platform.Training.Text;
using Platform.WebConsole;
using Platform.Worker;

namespace Platform.Api.Hosting;

internal static class PlatformServices
{
    public static WebApplicationBuilder AddPlatformServices(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var connectionString = config.GetConnectionString("Platform")
            ?? throw new InvalidOperationException("ConnectionStrings:Platform is not set (run through `./platform up`, or set ConnectionStrings__Platform).");

        builder.Services.Configure<StorageOptions>(config.GetSection(StorageOptions.Section));
        builder.Services.Configure<FilesOptions>(config.GetSection(FilesOptions.Section));
        builder.Services.Configure<TenantDefaultsOptions>(config.GetSection(TenantDefaultsOptions.Section));
        builder.Services.Configure<DatasetValidationOptions>(config.GetSection(DatasetValidationOptions.Section));
        builder.Services.Configure<AdminOptions>(config.GetSection(AdminOptions.Section));
        builder.Services.Configure<BaseModelCatalogOptions>(config.GetSection(BaseModelCatalogOptions.Section));
        builder.Services.Configure<SchedulerOptions>(config.GetSection(SchedulerOptions.Section));
        builder.Services.Configure<WorkerDirectoryOptions>(config.GetSection(WorkerDirectoryOptions.Section));
        builder.Services.AddSingleton<BaseModelRegistry>();
        builder.Services.Configure<JobAdmissionOptions>(config.GetSection(JobAdmissionOptions.Section));
        builder.Services.AddSingleton<JobAdmission>();
        builder.Services.Configure<WebhookOptions>(config.GetSection(WebhookOptions.Section));
        builder.Services.TryAddKeyedSingleton(WebhookOptions.ClockKey, TimeProvider.System);
        builder.Services.AddSingleton<SsrfGuard>();
        builder.Services.AddSingleton<WebhookSender>();
        var roles = PlatformRoles.From(config);
        builder.Services.AddSingleton(roles);
        if (roles.Api) builder.Services.AddHostedService<WebhookDispatcher>();
        if (roles.Api) builder.Services.AddPlatformConsole(config);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddPlatformData(connectionString);
        var storageRoot = config.GetSection(StorageOptions.Section).Get<StorageOptions>()?.Root ?? new StorageOptions().Root;
        builder.Services.AddSingleton<IArtifactStore>(new FolderArtifactStore(storageRoot));
        builder.Services.AddSingleton(_ => Qwen3Tokenizer.Load());
        builder.Services.AddSingleton<ITokenCounter, Qwen3TokenCounter>();
        builder.Services.AddSingleton<DatasetValidator>();

        builder.Services.AddSingleton<AdminKeyStore>();
        if (roles.Api) builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminKeyStore>());
        builder.Services.AddPerKeyRateLimiting(config.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new());
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        builder.Services.AddOpenApi();
        builder.AddPlatformSilo(connectionString, roles);
        builder.AddPlatformMessaging(roles.Worker);
        builder.AddPlatformInference(roles);
        builder.Services.AddHostedService<SchedulerKeeper>();
        var clustering = config.GetSection(ClusterHostingOptions.Section).Get<ClusterHostingOptions>()?.Clustering ?? "localhost";
        builder.Services.Configure<RecoveryOptions>(o => o.SoleWorker = clustering.Equals("localhost", StringComparison.OrdinalIgnoreCase));
        return builder;
    }
}
