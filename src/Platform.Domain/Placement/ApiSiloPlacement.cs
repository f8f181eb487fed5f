using Orleans.Placement;

namespace Platform.Domain.Placement;

/// <summary>
/// For small control-plane grains (directories): place on a silo with the api role when there is one. Worker and
/// inference silos keep their cores busy with TorchSharp, and a starved silo answers its grains' calls late; the
/// director lives in the host, which knows every silo's roles from its silo metadata.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Platform.ApiSiloPlacement")]
public sealed class ApiSiloPlacementStrategy : PlacementStrategy
{
    public const string RolesMetadataKey = "platform.roles";
    public static ApiSiloPlacementStrategy Singleton { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ApiSiloPlacementAttribute() : PlacementAttribute(ApiSiloPlacementStrategy.Singleton);
