using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Platform.Domain.Jobs;

public sealed class JobFeedGrain(ILogger<JobFeedGrain> logger) : Grain, IJobFeedGrain
{
    /// <summary>A subscriber that has not renewed for this long is dropped (a closed page, a lost circuit).</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);

    private readonly ObserverManager<IJobFeedObserver> _observers = new(SubscriptionLifetime, logger);

    public Task Subscribe(IJobFeedObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IJobFeedObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task Publish(JobFeedUpdate update)
    {
        _observers.Notify(o => o.OnJobUpdate(update));
        return Task.CompletedTask;
    }
}
