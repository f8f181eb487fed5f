using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Domain.Placement;
using Platform.Domain.Workers;

namespace Platform.Domain.Jobs;

[ApiSiloPlacement]
public sealed class JobSchedulerGrain(
    IDbContextFactory<PlatformDbContext> dbFactory, IGrainFactory grains, IOptions<SchedulerOptions> options, TimeProvider clock)
    : Grain, IJobSchedulerGrain
{
    // Served order across tenants: the one served longest ago (or never) goes first. A counter, not a clock,
    // so two dispatches within one tick still alternate.
    private readonly Dictionary<string, long> _lastServed = new();
    private long _turn;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ => Sweep(), new GrainTimerCreationOptions(options.Value.SweepInterval, options.Value.SweepInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Kick() => Sweep();

    private async Task Sweep()
    {
        // A timer tick is not a grain call, so YieldBeforeInvokeFilter does not cover it: leave the message loop before calling out.
        await Task.Yield();
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync();
        var cutoff = clock.GetUtcNow() - o.LeaseTimeout;
        var lost = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Running || (j.Status == JobStatus.Queued && j.DispatchedAt != null))
                        && (j.HeartbeatAt ?? j.DispatchedAt) < cutoff)
            .Select(j => j.Id).ToListAsync();
        foreach (var id in lost) await grains.GetGrain<IJobGrain>(id).RequeueIfStale(o.LeaseTimeout);

        var inflight = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running || (j.Status == JobStatus.Queued && j.DispatchedAt != null))
            .GroupBy(j => j.TenantId).Select(g => new { Tenant = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Tenant, x => x.Count);
        // Never more runs out than live workers have slots (they announce them), nor than the operator's cap.
        var slots = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key).AvailableSlots();
        var free = Math.Min(o.Capacity, slots) - inflight.Values.Sum();
        if (free <= 0) return;

        var waiting = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued && j.DispatchedAt == null)
            .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id)
            .Select(j => new { j.Id, j.TenantId }).ToListAsync();
        if (waiting.Count == 0) return;
        var tenantIds = waiting.Select(w => w.TenantId).Distinct().ToList();
        var limits = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.MaxConcurrentJobs);
        var queues = waiting.GroupBy(w => w.TenantId).ToDictionary(g => g.Key, g => new Queue<string>(g.Select(w => w.Id)));

        while (free > 0)
        {
            var tenant = queues.Keys
                .Where(t => queues[t].Count > 0 && inflight.GetValueOrDefault(t) < limits.GetValueOrDefault(t))
                .OrderBy(t => _lastServed.GetValueOrDefault(t, -1))
                .FirstOrDefault();
            if (tenant is null) break;
            var jobId = queues[tenant].Dequeue();
            if (!await grains.GetGrain<IJobGrain>(jobId).Dispatch()) continue;
            free--;
            inflight[tenant] = inflight.GetValueOrDefault(tenant) + 1;
            _lastServed[tenant] = ++_turn;
        }
    }
}
