using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Domain.Models;
using Platform.Domain.Workers;

namespace Platform.Worker;

/// <summary>
/// Tells the worker directory, every announce interval, what this worker offers: device, memory, training slots
/// (and how many are busy) and the base models it can load. On shutdown it announces itself draining, then leaves.
/// </summary>
public sealed partial class WorkerAnnouncer(
    IGrainFactory grains, TrainingSlots slots, WorkerDevice device, BaseModelRegistry models, IOptions<WorkerOptions> worker,
    IOptions<WorkerDirectoryOptions> directory, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<WorkerAnnouncer> logger)
    : BackgroundService
{
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private IWorkerDirectoryGrain Directory => grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key);

    private WorkerAnnouncement Announcement(bool draining) => new(
        worker.Value.WorkerId, Environment.MachineName, device.Name, device.MemoryBytes, slots.Capacity, slots.Busy,
        models.All.Select(m => m.Id).Order(StringComparer.Ordinal).ToList(), _startedAt, draining);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Draining at the first sign of shutdown, so the scheduler stops counting these slots before runs hand back.
        using var _ = lifetime.ApplicationStopping.Register(() => Directory.Announce(Announcement(draining: true)).Ignore());
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Directory.Announce(Announcement(draining: lifetime.ApplicationStopping.IsCancellationRequested)); }
            catch (Exception e) when (e is not OperationCanceledException) { LogAnnounceFailed(logger, e); }
            try { await Task.Delay(directory.Value.AnnounceInterval, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await Directory.Leave(worker.Value.WorkerId).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogAnnounceFailed(logger, e); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the worker directory")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception e);
}
