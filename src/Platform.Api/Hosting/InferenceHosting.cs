using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Api.Inference;
using Platform.Api.Inference.Placement;
using Platform.Domain.Inference;
using Platform.Inference;

namespace Platform.Api.Hosting;

internal static class InferenceHosting
{
    /// <summary>
    /// Engines, and their announcements to the inference directory, where the inference role runs; completion
    /// endpoints, limits, usage and the router (own engines first, else a silo from the directory) where the API runs.
    /// </summary>
    public static WebApplicationBuilder AddPlatformInference(this WebApplicationBuilder builder, PlatformRoles roles)
    {
        var services = builder.Services;
        services.Configure<InferenceOptions>(builder.Configuration.GetSection(InferenceOptions.Section));
        services.Configure<ServingOptions>(builder.Configuration.GetSection(ServingOptions.Section));
        services.Configure<InferenceDirectoryOptions>(builder.Configuration.GetSection(InferenceDirectoryOptions.Section));
        if (roles.Inference)
        {
            services.AddSingleton<InferencePool>();
            services.AddHostedService<InferenceAnnouncer>();
        }
        if (!roles.Api) return builder;
        services.AddSingleton<ServedModels>();
        services.AddSingleton<TenantLimits>();
        services.AddSingleton<UsageRecorder>();
        services.TryAddSingleton<IOutputFilter>(sp => sp.GetRequiredService<IOptions<ServingOptions>>().Value.BlockedPhrases is { Count: > 0 } phrases
            ? new BlockedPhrasesFilter(phrases)
            : new NoOutputFilter());
        services.AddSingleton<InferenceSiloView>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceSiloView>());
        services.TryAddSingleton<IInferenceRouter, ClusterInferenceRouter>();
        services.AddSingleton<CompletionServices>();
        return builder;
    }
}
