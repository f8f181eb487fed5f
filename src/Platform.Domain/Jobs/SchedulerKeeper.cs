using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Domain.Jobs;

/// <summary>
/// Keeps the scheduler grain alive somewhere in the cluster: it lives on one silo, and if that silo dies its
/// timer dies with it. Every silo pokes it each sweep interval, which reactivates it on a live silo.
/// </summary>
public sealed class SchedulerKeeper(IGrainFactory grains, IOptions<SchedulerOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.Value.SweepInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await grains.GetGrain<IJobSchedulerGrain>(IJobSchedulerGrain.Key).Kick(); }
            catch (Exception e) when (e is not OperationCanceledException) { /* silo starting or a peer just died: next round */ }
            try { await Task.Delay(interval, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }
}
