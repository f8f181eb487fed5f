using Orleans.Concurrency;

namespace Platform.Domain.Jobs;

/// <summary>
/// One per job (key = job id): fans the job's new events out to the console pages watching it. The job grain
/// publishes after each save; pages subscribe an observer (and renew it, since subscriptions expire).
/// Whatever silo either side runs on, Orleans delivers the call.
/// </summary>
[Alias("Platform.IJobFeedGrain")]
public interface IJobFeedGrain : IGrainWithStringKey
{
    [Alias("Subscribe")] Task Subscribe(IJobFeedObserver observer);
    [Alias("Unsubscribe")] Task Unsubscribe(IJobFeedObserver observer);
    [OneWay, Alias("Publish")] Task Publish(JobFeedUpdate update);
}

[Alias("Platform.IJobFeedObserver")]
public interface IJobFeedObserver : IGrainObserver
{
    [OneWay, Alias("OnJobUpdate")] Task OnJobUpdate(JobFeedUpdate update);
}

/// <summary>The job's status after a save, and the events that save wrote (metrics events carry JSON data).</summary>
[GenerateSerializer, Immutable, Alias("Platform.JobFeedUpdate")]
public sealed record JobFeedUpdate(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Status,
    [property: Id(2)] IReadOnlyList<JobFeedEvent> Events);

[GenerateSerializer, Immutable, Alias("Platform.JobFeedEvent")]
public sealed record JobFeedEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string Level,
    [property: Id(3)] string Message,
    [property: Id(4)] string Type,
    [property: Id(5)] string? Data)
{
    public static JobFeedEvent From(Data.Entities.JobEvent e) => new(e.Id, e.CreatedAt, e.Level, e.Message, e.Type, e.Data);
}
