using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Domain.Workers;

namespace Platform.Api.Apis;

/// <summary>Operator endpoint: the cluster's live training workers, as they last announced themselves.</summary>
public static class AdminWorkersApi
{
    public sealed record WorkerView(
        string Id, string Host, string Device, long DeviceMemoryBytes, int Slots, int SlotsInUse, IReadOnlyList<string> BaseModels,
        long StartedAt, long LastSeenAt, bool Draining, string Object = "worker");
    public sealed record WorkerList(IReadOnlyList<WorkerView> Data, int TotalSlots, int SlotsInUse, string Object = "list");

    public static RouteGroupBuilder MapAdminWorkersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/v1/workers")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .WithTags("Admin");
        group.MapGet("/", ListWorkers);
        return group;
    }

    private static async Task<WorkerList> ListWorkers(IGrainFactory grains)
    {
        var live = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.Key).Live();
        var views = live.Select(l => new WorkerView(
            l.Worker.WorkerId, l.Worker.Host, l.Worker.Device, l.Worker.DeviceMemoryBytes, l.Worker.Slots, l.Worker.SlotsInUse,
            l.Worker.BaseModels, l.Worker.StartedAt.ToUnixTimeSeconds(), l.LastSeen.ToUnixTimeSeconds(), l.Worker.Draining)).ToList();
        return new WorkerList(views, views.Where(v => !v.Draining).Sum(v => v.Slots), views.Sum(v => v.SlotsInUse));
    }
}
