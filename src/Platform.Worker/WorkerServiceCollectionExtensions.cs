using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The training worker role: its consumer on the bus, the runner and the engine adapter.</summary>
    public static IServiceCollection AddTrainingWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WorkerOptions>(configuration.GetSection(WorkerOptions.Section));
        services.AddSingleton<WorkerDevice>();
        services.AddSingleton<BaseModelCache>();
        services.AddSingleton<SftJobEngine>();
        services.AddSingleton<RlJobEngine>();
        services.AddSingleton<TrainingRunner>();
        services.AddSingleton<TrainingSlots>();
        services.AddHostedService(sp => sp.GetRequiredService<TrainingSlots>());
        services.AddHostedService<JobRecovery>();
        services.AddHostedService<WorkerAnnouncer>();
        return services;
    }

    public static IBusRegistrationConfigurator AddTrainingWorkerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<StartTrainingRunConsumer, StartTrainingRunConsumerDefinition>();
        return bus;
    }
}
