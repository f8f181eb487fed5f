using Platform.Domain.Inference;

namespace Platform.WebConsole.Queries;

/// <summary>The inference pool as the directory grain last heard it; Reachable is false when the directory did not answer in time.</summary>
public sealed record InferencePoolView(IReadOnlyList<LiveInferenceSilo> Silos, bool Reachable)
{
    public static InferencePoolView Empty { get; } = new([], true);

    public ILookup<string, string> SilosByAdapter => InferenceResidency.SilosByAdapter(Silos);
    public ILookup<string, string> SilosByLoadedBase => InferenceResidency.SilosByLoadedBase(Silos);
}

/// <summary>Live inference processes for the console, from the inference directory grain (no database).</summary>
public sealed class InferenceQueries(IGrainFactory grains)
{
    /// <summary>A page never waits longer than this for the directory.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    public async Task<InferencePoolView> LiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var silos = await grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key).Live().WaitAsync(Wait, cancellationToken);
            return new InferencePoolView(silos, true);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException) { return new InferencePoolView([], false); }
    }
}
