using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Domain.Webhooks;

namespace Platform.Api.Tests.Webhooks;

/// <summary>Receivers on 127.0.0.1 allowlisted; retries every 300 ms so tests see them quickly.</summary>
public class WebhookServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Webhooks:AllowedHosts:0"] = "127.0.0.1";
        s["Webhooks:PollInterval"] = "00:00:00.100";
        return s;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.PostConfigure<WebhookOptions>(o => o.RetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(300), 8)]);
}

/// <summary>The real retry schedule, with the delivery clock in the test's hands.</summary>
public sealed class ClockedWebhookServer : PlatformServer
{
    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Webhooks:AllowedHosts:0"] = "127.0.0.1";
        s["Webhooks:PollInterval"] = "00:00:00.050";
        return s;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(WebhookOptions.ClockKey, Clock);
}
