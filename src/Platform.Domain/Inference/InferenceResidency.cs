namespace Platform.Domain.Inference;

/// <summary>Where fine-tuned models are resident in the inference pool, as the directory last heard it.</summary>
public static class InferenceResidency
{
    /// <summary>How long a deletion waits for the directory to tell every silo before it gives up on the rest.</summary>
    public static readonly TimeSpan UnloadWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A deleted model's adapter is dropped on every live inference silo. If the directory cannot be reached in time the
    /// adapter stays resident until evicted; no request can name the model any more, so that costs memory, not correctness.
    /// </summary>
    public static async Task UnloadEverywhereAsync(this IGrainFactory grains, string modelId)
    {
        try { await grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key).ModelDeleted(modelId).WaitAsync(UnloadWait); }
        catch (Exception e) when (e is OrleansException or TimeoutException) { }
    }

    /// <summary>The silos holding each adapter in an engine, by model id.</summary>
    public static ILookup<string, string> SilosByAdapter(IEnumerable<LiveInferenceSilo> silos) =>
        silos.SelectMany(s => s.Silo.Bases.SelectMany(b => b.ResidentAdapters.Select(a => (Adapter: a, s.Silo.SiloId))))
            .Distinct().ToLookup(x => x.Adapter, x => x.SiloId);

    /// <summary>The silos running an engine for each base model (loaded, not only configured), by base model id.</summary>
    public static ILookup<string, string> SilosByLoadedBase(IEnumerable<LiveInferenceSilo> silos) =>
        silos.SelectMany(s => s.Silo.Bases.Where(b => b.Loaded).Select(b => (b.BaseModelId, s.Silo.SiloId))).ToLookup(x => x.BaseModelId, x => x.SiloId);
}
