using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Inference;
using Platform.Data;
using Platform.Domain.Inference;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.Domain.Tenants;

namespace Platform.Api.Apis;

/// <summary>
/// /v1/models: base models and the caller's fine-tuned models (checkpoints too, by name).
/// Our extension: GET /v1/models/{id}/adapter downloads the PEFT adapter folder as a .tar.gz.
/// </summary>
public static class ModelsApi
{
    public sealed record ModelObject(string Id, long Created, string OwnedBy, string Object = "model");
    public sealed record ModelDeleted(string Id, bool Deleted, string Object = "model");

    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder v1)
    {
        var models = v1.MapGroup("/models").WithTags("Models");
        models.MapGet("/", List);
        models.MapGet("/{modelId}", Get);
        models.MapGet("/{modelId}/adapter", Adapter);
        models.MapDelete("/{modelId}", Delete);
        return models;
    }

    private static async Task<ListPage<ModelObject>> List(HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, BaseModelRegistry registry, CancellationToken ct)
    {
        var tenant = TenantCaller.From(http).TenantId;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tuned = await db.FineTunedModels.AsNoTracking().Where(m => m.TenantId == tenant).OrderBy(m => m.CreatedAt).ToListAsync(ct);
        var all = registry.All.OrderBy(m => m.Id).Select(m => new ModelObject(m.Id, 0, "platform"))
            .Concat(tuned.Select(m => new ModelObject(m.Id, m.CreatedAt.ToUnixTimeSeconds(), tenant))).ToList();
        return new ListPage<ModelObject>(all, false);
    }

    private static async Task<IResult> Get(string modelId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, BaseModelRegistry registry, CancellationToken ct)
    {
        if (registry.Find(modelId) is not null) return Results.Ok(new ModelObject(modelId, 0, "platform"));
        var found = await FindOwnAsync(modelId, TenantCaller.From(http).TenantId, dbFactory, ct);
        return found is null ? ApiError.NotFound("model", modelId, "model") : Results.Ok(new ModelObject(modelId, found.Value.Created, found.Value.Owner));
    }

    private static async Task<IResult> Adapter(string modelId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, IArtifactStore store, CancellationToken ct)
    {
        var found = await FindOwnAsync(modelId, TenantCaller.From(http).TenantId, dbFactory, ct);
        if (found is null) return ApiError.NotFound("model", modelId, "model");
        var folder = store.Folder(found.Value.Path);
        return Results.Stream(output => AdapterArchive.WriteAsync(folder, output, ct), "application/gzip", AdapterArchive.FileName(modelId));
    }

    private static async Task<IResult> Delete(string modelId, HttpContext http, IGrainFactory grains, BaseModelRegistry registry)
    {
        if (registry.Find(modelId) is not null)
            return ApiError.Result(403, $"Base model '{modelId}' cannot be deleted.", "permission_error", "model_not_deletable", "model");
        await grains.GetGrain<ITenantGrain>(TenantCaller.From(http).TenantId).DeleteModel(modelId);
        // This silo's engines at once (even with the directory unreachable), then every inference silo's.
        http.RequestServices.GetService<InferencePool>()?.Unload(modelId);
        await grains.UnloadEverywhereAsync(modelId);
        return Results.Ok(new ModelDeleted(modelId, true));
    }

    /// <summary>A fine-tuned model or one of its checkpoints, if the caller's tenant owns it.</summary>
    private static async Task<(long Created, string Owner, string Path)?> FindOwnAsync(
        string modelId, string tenant, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.FineTunedModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId && m.TenantId == tenant, ct);
        if (model is not null) return (model.CreatedAt.ToUnixTimeSeconds(), tenant, model.Path);
        var checkpoint = await db.JobCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.FineTunedModelCheckpoint == modelId && c.TenantId == tenant, ct);
        return checkpoint is null ? null : (checkpoint.CreatedAt.ToUnixTimeSeconds(), tenant, checkpoint.Path);
    }
}
