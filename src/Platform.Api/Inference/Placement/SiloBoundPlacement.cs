using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// Places a grain keyed by a silo's address (<see cref="SiloAddress.ToParsableString"/>) on that silo, and refuses to
/// place it anywhere else: a call for a silo that is no longer an active member fails with
/// <see cref="SiloUnavailableException"/>, which the router takes as "try another silo".
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Platform.SiloBoundPlacement")]
public sealed class SiloBoundPlacementStrategy : PlacementStrategy
{
    public static SiloBoundPlacementStrategy Singleton { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacementStrategy.Singleton);

public sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silo = SiloAddress.FromParsableString(target.GrainIdentity.Key.ToString()!);
        return context.GetCompatibleSilos(target).Contains(silo)
            ? Task.FromResult(silo)
            : Task.FromException<SiloAddress>(new SiloUnavailableException($"Inference silo {silo} is not an active member of the cluster."));
    }
}
