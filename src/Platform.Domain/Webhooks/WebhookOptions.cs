namespace Platform.Domain.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";
    /// <summary>The delivery schedule's clock is a keyed service, so tests can move it without moving Orleans' time.</summary>
    public const string ClockKey = "webhooks";
    /// <summary>Delay before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public TimeSpan[] RetrySchedule { get; set; } =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];
    /// <summary>An endpoint failing every delivery for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);
    /// <summary>After a rotation the old secret signs alongside the new one for this long.</summary>
    public TimeSpan PreviousSecretGrace { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    public int MaxResponseBytes { get; set; } = 1024;
    /// <summary>
    /// Hosts or addresses (IPs or CIDRs) allowed although private or loopback, and reachable over plain http:
    /// for tests and on-prem receivers. Empty by default.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];
}
