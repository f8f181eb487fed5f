using Microsoft.Extensions.Options;
using Platform.Domain.Inference;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// Tells the inference directory, every announce interval, what this silo serves: the base models it can run (and
/// whether each engine is running), the adapters resident in each, running and waiting sequences and tokens/s.
/// On shutdown it announces itself draining, then leaves, so routers stop sending before the engines stop.
/// </summary>
public sealed partial class InferenceAnnouncer(
    IGrainFactory grains, InferencePool pool, ILocalSiloDetails silo, IOptions<InferenceDirectoryOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<InferenceAnnouncer> logger) : BackgroundService
{
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private readonly Dictionary<string, (long Tokens, DateTimeOffset At)> _lastCount = [];
    private IInferenceDirectoryGrain Directory => grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key);

    public static string SiloId(ILocalSiloDetails silo) => silo.SiloAddress.ToParsableString();

    private InferenceSiloAnnouncement Announcement(bool draining) => new(
        SiloId(silo), Environment.MachineName, Environment.ProcessId, _startedAt,
        [.. pool.AvailableBases.Order(StringComparer.Ordinal).Select(Status)], pool.Sequences, draining);

    private InferenceBaseStatus Status(string baseModelId)
    {
        if (pool.Loaded(baseModelId) is not { } engine) return new InferenceBaseStatus(baseModelId, false, [], 0, 0, 0);
        var stats = engine.Stats;
        var now = clock.GetUtcNow();
        var rate = 0.0;
        lock (_lastCount)
        {
            if (_lastCount.TryGetValue(baseModelId, out var last) && now > last.At)
                rate = (stats.GeneratedTokens - last.Tokens) / (now - last.At).TotalSeconds;
            _lastCount[baseModelId] = (stats.GeneratedTokens, now);
        }
        return new InferenceBaseStatus(baseModelId, true, [.. stats.ResidentAdapters.Order(StringComparer.Ordinal)], stats.Running, stats.Waiting, Math.Round(rate, 1));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var _ = lifetime.ApplicationStopping.Register(() => Directory.Announce(Announcement(draining: true)).Ignore());
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Directory.Announce(Announcement(draining: lifetime.ApplicationStopping.IsCancellationRequested)); }
            catch (Exception e) when (e is not OperationCanceledException) { LogAnnounceFailed(logger, e); }
            try { await Task.Delay(options.Value.AnnounceInterval, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await Directory.Leave(SiloId(silo)).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { LogAnnounceFailed(logger, e); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the inference directory")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception e);
}
