using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Domain.Inference;

namespace Platform.Api.Apis;

/// <summary>Operator endpoint: the cluster's live inference silos, as they last announced themselves.</summary>
public static class AdminInferenceApi
{
    public sealed record BaseModelView(
        string Id, bool Loaded, IReadOnlyList<string> ResidentAdapters, int Running, int Waiting, double TokensPerSecond);
    public sealed record InferenceSiloView(
        string Id, string Host, int ProcessId, IReadOnlyList<BaseModelView> BaseModels, long Requests, long StartedAt, long LastSeenAt,
        bool Draining, string Object = "inference_silo");
    public sealed record InferenceSiloList(IReadOnlyList<InferenceSiloView> Data, int Running, int Waiting, double TokensPerSecond, string Object = "list");

    public static RouteGroupBuilder MapAdminInferenceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/v1/inference")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .WithTags("Admin");
        group.MapGet("/", ListSilos);
        return group;
    }

    private static async Task<InferenceSiloList> ListSilos(IGrainFactory grains)
    {
        var live = await grains.GetGrain<IInferenceDirectoryGrain>(IInferenceDirectoryGrain.Key).Live();
        var views = live.Select(l => new InferenceSiloView(
            l.Silo.SiloId, l.Silo.Host, l.Silo.ProcessId,
            [.. l.Silo.Bases.Select(b => new BaseModelView(b.BaseModelId, b.Loaded, b.ResidentAdapters, b.Running, b.Waiting, b.TokensPerSecond))],
            l.Silo.Requests, l.Silo.StartedAt.ToUnixTimeSeconds(), l.LastSeen.ToUnixTimeSeconds(), l.Silo.Draining)).ToList();
        var bases = views.SelectMany(v => v.BaseModels).ToList();
        return new InferenceSiloList(views, bases.Sum(b => b.Running), bases.Sum(b => b.Waiting), bases.Sum(b => b.TokensPerSecond));
    }
}
