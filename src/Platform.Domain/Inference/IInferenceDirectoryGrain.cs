namespace Platform.Domain.Inference;

/// <summary>
/// The cluster's live inference silos (one grain, key <see cref="Key"/>). Soft state, as the worker directory: silos
/// re-announce every interval, and one not heard from within the liveness window drops out. It also fans residency
/// hints out to the silos: preload a just-published adapter where its base runs, unload a deleted model everywhere.
/// </summary>
[Alias("Platform.IInferenceDirectoryGrain")]
public interface IInferenceDirectoryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    [Alias("Announce")] Task Announce(InferenceSiloAnnouncement silo);
    /// <summary>A silo shutting down leaves at once instead of fading out after the liveness window.</summary>
    [Alias("Leave")] Task Leave(string siloId);
    /// <summary>Silos heard from within the liveness window, by silo id.</summary>
    [Alias("Live")] Task<IReadOnlyList<LiveInferenceSilo>> Live();
    /// <summary>A job published a model: silos running its base start loading it (unless turned off by the operator).</summary>
    [Alias("ModelPublished")] Task ModelPublished(string baseModelId, string modelId, string adapterPath);
    /// <summary>A model was deleted: every live silo drops its adapter; returns once each was told (or found unreachable).</summary>
    [Alias("ModelDeleted")] Task ModelDeleted(string modelId);
}
