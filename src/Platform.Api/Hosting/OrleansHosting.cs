using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Platform.Api.Inference.Placement;
using Platform.Data.Postgres;
using Platform.Domain.Hosting;
using Platform.Domain.Placement;

namespace Platform.Api.Hosting;

internal static class OrleansHosting
{
    /// <summary>The silo runs inside the API process: localhost clustering by default, membership in Postgres with "adonet".</summary>
    public static WebApplicationBuilder AddPlatformSilo(this WebApplicationBuilder builder, string connectionString, PlatformRoles roles)
    {
        var options = builder.Configuration.GetSection(ClusterHostingOptions.Section).Get<ClusterHostingOptions>() ?? new();
        builder.UseOrleans(silo =>
        {
            if (string.Equals(options.Clustering, "adonet", StringComparison.OrdinalIgnoreCase))
            {
                OrleansAdoNet.RegisterNpgsqlProvider();
                silo.UseAdoNetClustering(o => { o.Invariant = OrleansAdoNet.Invariant; o.ConnectionString = connectionString; });
                if (string.IsNullOrWhiteSpace(options.AdvertisedIPAddress))
                    silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                else
                    silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIPAddress), options.SiloPort, options.GatewayPort);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: "platform", clusterId: options.ClusterId);
            }
            silo.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = "platform"; });
            // Orleans' failure detector (ProbeTimeout, NumMissedProbesLimit, NumVotesForDeathDeclaration, …): how soon a
            // dead silo is declared dead, and so how long the first call routed to it waits. Orleans' defaults unless set.
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(ClusterHostingOptions.MembershipSection));
            silo.UseSiloMetadata(new Dictionary<string, string> { [ApiSiloPlacementStrategy.RolesMetadataKey] = roles.ToString() });
            silo.AddPlacementDirector<SiloBoundPlacementStrategy, SiloBoundPlacementDirector>();
            silo.AddPlacementDirector<ApiSiloPlacementStrategy, ApiSiloPlacementDirector>();
            silo.AddIncomingGrainCallFilter<YieldBeforeInvokeFilter>();
        });
        return builder;
    }
}
