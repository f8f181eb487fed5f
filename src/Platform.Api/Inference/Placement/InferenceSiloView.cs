using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Domain.Inference;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// An API silo's view of the inference silos: the directory's list, refreshed every announce interval and kept when the
/// directory cannot be reached, minus silos this process found unreachable since their last announcement, plus the
/// requests this process has sent each silo since (so a burst spreads before the next announcement shows the load).
/// </summary>
public sealed partial class InferenceSiloView(
    IGrainFactory grains, IOptions<InferenceDirectoryOptions> options, TimeProvider clock, ILogger<InferenceSiloView> logger) : BackgroundService
{
    private volatile IReadOnlyList<LiveInferenceSilo> _silos = [];
    // Silo id -> its announcement's LastSeen when a call to it failed, and when (this process's clock). It stays out for a
    // liveness window (a dead silo's last announcement may still reach the directory after the failure), then until it
    // announces itself again.
    private readonly ConcurrentDictionary<string, (DateTimeOffset Seen, DateTimeOffset At)> _unreachable = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new();

    /// <summary>
    /// The best silo for a request among those offering the base, not excluded, not draining: the fewest sequences,
    /// counting <see cref="InferenceDirectoryOptions.AdapterAffinitySlack"/> extra on silos where the request's adapter
    /// is not resident (so affinity wins unless the adapter's silo is that much busier), then one already running the
    /// base, then at random. Null when there is none.
    /// </summary>
    public string? Choose(string baseModelId, string? adapterId, IReadOnlySet<string> exclude) =>
        _silos.Where(s => !exclude.Contains(s.Silo.SiloId) && !s.Silo.Draining && !Unreachable(s))
            .Select(s => (s.Silo.SiloId, Base: s.Silo.Bases.FirstOrDefault(b => b.BaseModelId == baseModelId)))
            .Where(s => s.Base is not null)
            .OrderBy(s => s.Base!.Running + s.Base.Waiting + _inFlight.GetValueOrDefault(s.SiloId)
                + (adapterId is null || s.Base.ResidentAdapters.Contains(adapterId) ? 0 : options.Value.AdapterAffinitySlack))
            .ThenByDescending(s => s.Base!.Loaded)
            .ThenBy(_ => Random.Shared.Next())
            .Select(s => s.SiloId).FirstOrDefault();

    public bool Any(string baseModelId) => Choose(baseModelId, null, new HashSet<string>()) is not null;

    /// <summary>A call to the silo failed in transport: leave it out until it announces itself again.</summary>
    public void MarkUnreachable(string siloId) =>
        _unreachable[siloId] = (_silos.FirstOrDefault(s => s.Silo.SiloId == siloId)?.LastSeen ?? DateTimeOffset.MinValue, clock.GetUtcNow());

    /// <summary>Counts a request as sent to the silo until the returned handle is disposed.</summary>
    public IDisposable Track(string siloId)
    {
        _inFlight.AddOrUpdate(siloId, 1, (_, n) => n + 1);
        return new Untrack(this, siloId);
    }

    private sealed class Untrack(InferenceSiloView view, string siloId) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) view._inFlight.AddOrUpdate(siloId, 0, (_, n) => n - 1);
        }
    }

    private bool Unreachable(LiveInferenceSilo s) => _unreachable.TryGetValue(s.Silo.SiloId, out var mark)
        && (s.LastSeen <= mark.Seen || clock.GetUtcNow() - mark.At < options.Value.LivenessWindow);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try { _silos = await grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key).Live().WaitAsync(cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogRefreshFailed(logger, e); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken);
            try { await Task.Delay(options.Value.AnnounceInterval, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the inference directory; routing on the last view")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);
}
