using Microsoft.Extensions.Options;
using Platform.Domain.Placement;
using Microsoft.Extensions.Logging;

namespace Platform.Domain.Inference;

/// <summary>
/// On an API silo when there is one (not on a silo busy with engines). If its silo dies, it is re-created elsewhere
/// once Orleans declares the death, and refills within one announce interval; routers keep their last view meanwhile.
/// </summary>
[ApiSiloPlacement]
public sealed partial class InferenceDirectoryGrain(
    IOptions<InferenceDirectoryOptions> options, IGrainFactory grains, TimeProvider clock, ILogger<InferenceDirectoryGrain> logger)
    : Grain, IInferenceDirectoryGrain
{
    private readonly Dictionary<string, LiveInferenceSilo> _silos = new(StringComparer.Ordinal);

    public Task Announce(InferenceSiloAnnouncement silo)
    {
        _silos[silo.SiloId] = new LiveInferenceSilo(silo, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Leave(string siloId)
    {
        _silos.Remove(siloId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LiveInferenceSilo>> Live() => Task.FromResult<IReadOnlyList<LiveInferenceSilo>>(LiveNow());

    public Task ModelPublished(string baseModelId, string modelId, string adapterPath)
    {
        if (!options.Value.PreloadPublishedModels) return Task.CompletedTask;
        // Only where the base already runs: preloading must not make a silo load a whole base model it was not serving.
        foreach (var silo in LiveNow().Where(s => s.Silo.Bases.Any(b => b.BaseModelId == baseModelId && b.Loaded)))
            Silo(silo).Preload(baseModelId, modelId, adapterPath).Ignore();
        return Task.CompletedTask;
    }

    public async Task ModelDeleted(string modelId)
    {
        await Task.WhenAll(LiveNow().Select(async silo =>
        {
            try { await Silo(silo).Unload(modelId).WaitAsync(options.Value.LivenessWindow); }
            catch (Exception e) { LogUnloadFailed(logger, silo.Silo.SiloId, modelId, e); }  // a dead silo holds nothing
        }));
    }

    private IInferenceSiloGrain Silo(LiveInferenceSilo silo) => grains.GetGrain<IInferenceSiloGrain>(silo.Silo.SiloId);

    private List<LiveInferenceSilo> LiveNow()
    {
        var cutoff = clock.GetUtcNow() - options.Value.LivenessWindow;
        foreach (var id in _silos.Where(s => s.Value.LastSeen < cutoff).Select(s => s.Key).ToList()) _silos.Remove(id);
        return [.. _silos.Values.OrderBy(s => s.Silo.SiloId, StringComparer.Ordinal)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell inference silo {Silo} to unload {Model}")]
    private static partial void LogUnloadFailed(ILogger logger, string silo, string model, Exception e);
}

public sealed class InferenceDirectoryOptions
{
    public const string Section = "InferenceSilos";
    /// <summary>How often each inference silo announces itself (and each API silo refreshes its routing view).</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>A silo not heard from for this long is no longer routed to (three missed announcements by default).</summary>
    public TimeSpan LivenessWindow { get; set; } = TimeSpan.FromSeconds(6);
    /// <summary>
    /// Adapter affinity: a request goes to a silo where its adapter is resident unless that silo runs this many more
    /// sequences than the least busy one (then the adapter is loaded a second time there instead).
    /// </summary>
    public int AdapterAffinitySlack { get; set; } = 8;
    /// <summary>Load a just-published model's adapter on the silos running its base, so its first request does not wait.</summary>
    public bool PreloadPublishedModels { get; set; } = true;
}
