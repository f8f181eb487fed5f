using Platform.Domain.Jobs;

namespace Platform.WebConsole.Live;

/// <summary>
/// A page's subscription to one job's feed grain: an Orleans observer reference, renewed well inside the grain's
/// subscription lifetime, removed when the page goes away. Updates arrive on Orleans' threads; the page marshals
/// them onto its renderer.
/// </summary>
public sealed class JobFeedSubscription : IJobFeedObserver, IAsyncDisposable
{
    private static readonly TimeSpan RenewEvery = JobFeedGrain.SubscriptionLifetime / 3;
    private readonly IGrainFactory _grains;
    private readonly Func<JobFeedUpdate, Task> _onUpdate;
    private readonly IJobFeedGrain _feed;
    private readonly CancellationTokenSource _stop = new();
    private IJobFeedObserver? _reference;
    private Task _renewing = Task.CompletedTask;

    private JobFeedSubscription(IGrainFactory grains, string jobId, Func<JobFeedUpdate, Task> onUpdate)
    {
        _grains = grains;
        _onUpdate = onUpdate;
        _feed = grains.GetGrain<IJobFeedGrain>(jobId);
    }

    public static async Task<JobFeedSubscription> StartAsync(IGrainFactory grains, string jobId, Func<JobFeedUpdate, Task> onUpdate, CancellationToken cancellationToken)
    {
        var subscription = new JobFeedSubscription(grains, jobId, onUpdate);
        subscription._reference = grains.CreateObjectReference<IJobFeedObserver>(subscription);
        await subscription._feed.Subscribe(subscription._reference).WaitAsync(cancellationToken);
        subscription._renewing = subscription.RenewAsync();
        return subscription;
    }

    public Task OnJobUpdate(JobFeedUpdate update) => _onUpdate(update);

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try { await _feed.Subscribe(_reference!); }
                catch (Exception) when (!_stop.IsCancellationRequested) { /* the feed's silo may be moving; the next tick retries */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        if (_reference is not null)
        {
            try { await _feed.Unsubscribe(_reference); } catch (Exception) { /* expires on its own */ }
            _grains.DeleteObjectReference<IJobFeedObserver>(this);
        }
        _stop.Dispose();
    }
}
