using Orleans.Placement;
using Orleans.Runtime;

namespace Platform.Api.Tests.Clustering;

/// <summary>Test grain that reports which silo it is activated on (by silo port).</summary>
public interface IWhereAmIGrain : IGrainWithIntegerKey
{
    Task<int> SiloPort();
}

// Random placement spreads a handful of keys over both silos, so the test can see both serve.
[RandomPlacement]
public sealed class WhereAmIGrain(ILocalSiloDetails silo) : Grain, IWhereAmIGrain
{
    public Task<int> SiloPort() => Task.FromResult(silo.SiloAddress.Endpoint.Port);
}
