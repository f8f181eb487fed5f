using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Api.Inference;
using Platform.Inference;

namespace Platform.Api.Hosting;

internal static class InferenceHosting
{
    /// <summary>Engines where the inference role runs; completion endpoints, limits and usage where the API runs.</summary>
    public static WebApplicationBuilder AddPlatformInference(this WebApplicationBuilder builder, PlatformRoles roles)
    {
        var services = builder.Services;
        services.Configure<InferenceOptions>(builder.Configuration.GetSection(InferenceOptions.Section));
        services.Configure<ServingOptions>(builder.Configuration.GetSection(ServingOptions.Section));
        if (roles.Inference) services.AddSingleton<InferencePool>();
        if (!roles.Api) return builder;
        services.AddSingleton<ServedModels>();
        services.AddSingleton<TenantLimits>();
        services.AddSingleton<UsageRecorder>();
        services.TryAddSingleton<IOutputFilter>(sp => sp.GetRequiredService<IOptions<ServingOptions>>().Value.BlockedPhrases is { Count: > 0 } phrases
            ? new BlockedPhrasesFilter(phrases)
            : new NoOutputFilter());
        if (roles.Inference) services.TryAddSingleton<IInferenceRouter, LocalInferenceRouter>();
        else services.TryAddSingleton<IInferenceRouter, NoInferenceRouter>();
        services.AddSingleton<CompletionServices>();
        return builder;
    }
}
