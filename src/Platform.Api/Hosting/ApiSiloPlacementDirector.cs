using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using Platform.Domain.Placement;

namespace Platform.Api.Hosting;

/// <summary>This silo when it has the api role, else a random api silo, else (none known yet) this silo or any.</summary>
public sealed class ApiSiloPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var api = compatible.Where(IsApi).ToArray();
        if (api.Contains(context.LocalSilo) || (api.Length == 0 && compatible.Contains(context.LocalSilo))) return Task.FromResult(context.LocalSilo);
        var from = api.Length > 0 ? api : compatible;
        return Task.FromResult(from[Random.Shared.Next(from.Length)]);
    }

    private bool IsApi(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(ApiSiloPlacementStrategy.RolesMetadataKey) is { } roles
        && roles.Split(',').Contains("api", StringComparer.OrdinalIgnoreCase);
}
