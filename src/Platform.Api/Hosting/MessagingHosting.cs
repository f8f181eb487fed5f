using MassTransit;
using Platform.Worker;

namespace Platform.Api.Hosting;

internal static class MessagingHosting
{
    /// <summary>
    /// MassTransit with the in-memory transport (one process). The distributed mode swaps in RabbitMQ here and
    /// nowhere else: job grains publish StartTrainingRun, workers consume it.
    /// </summary>
    public static WebApplicationBuilder AddPlatformMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddTrainingWorker(builder.Configuration);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddTrainingWorkerConsumers();
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        return builder;
    }
}
