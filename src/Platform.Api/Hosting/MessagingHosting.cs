using MassTransit;
using Platform.Domain.Jobs;
using Platform.Worker;

namespace Platform.Api.Hosting;

public sealed class MessagingOptions
{
    public const string Section = "Messaging";
    /// <summary>"inmemory" (one process, the default) or "rabbitmq" (a cluster).</summary>
    public string Transport { get; set; } = "inmemory";
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
}

internal static class MessagingHosting
{
    /// <summary>
    /// MassTransit: in-memory in one process, RabbitMQ in a cluster; only this configuration differs. Job grains
    /// publish StartTrainingRun, workers consume it (quorum queue, prefetch = slots; see the consumer definition).
    /// </summary>
    public static WebApplicationBuilder AddPlatformMessaging(this WebApplicationBuilder builder, bool worker)
    {
        var options = builder.Configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new();
        if (worker) builder.Services.AddTrainingWorker(builder.Configuration);
        builder.Services.AddMassTransit(bus =>
        {
            // A self-hosted service does not phone home (and a DNS lookup that hangs offline would hold a pool thread).
            bus.DisableUsageTelemetry();
            if (worker) bus.AddTrainingWorkerConsumers();
            bus.AddConsumer<TrainingRunFaultConsumer>();
            if (string.Equals(options.Transport, "rabbitmq", StringComparison.OrdinalIgnoreCase))
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                    {
                        h.Username(options.Username);
                        h.Password(options.Password);
                        h.PublisherConfirmation = true;
                    });
                    // Fed only by RabbitMQ's dead-lettering of the training-run queue, never bound to the message's exchange.
                    cfg.ReceiveEndpoint(DeadLetteredTrainingRunConsumer.Queue, e =>
                    {
                        e.ConfigureConsumeTopology = false;
                        e.SetQuorumQueue();
                        e.Consumer(() => new DeadLetteredTrainingRunConsumer(context.GetRequiredService<IGrainFactory>()));
                    });
                    cfg.ConfigureEndpoints(context);
                });
            else
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        return builder;
    }
}
