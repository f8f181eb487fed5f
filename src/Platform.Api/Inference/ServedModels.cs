using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.Inference.Lora;

namespace Platform.Api.Inference;

/// <summary>
/// A model a tenant may call: a base model, or its own fine-tuned model (or checkpoint) as an adapter on its base.
/// <c>AdapterPath</c> is the adapter's artifact-store path, which other silos resolve against their own store root.
/// </summary>
public sealed record ServedModel(string Id, string BaseModelId, AdapterRef? Adapter, string? AdapterPath = null);

/// <summary>
/// Resolves the <c>model</c> of a completion request for the calling tenant. Read from the database on every call, so a
/// model published a moment ago is callable at once and a deleted one is gone; another tenant's model is not found.
/// </summary>
public sealed class ServedModels(IDbContextFactory<PlatformDbContext> dbFactory, BaseModelRegistry registry, IArtifactStore store)
{
    public async Task<ServedModel?> FindAsync(string modelId, string tenantId, CancellationToken cancellationToken)
    {
        if (registry.Find(modelId) is not null) return new ServedModel(modelId, modelId, null);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.FineTunedModels.AsNoTracking()
            .Where(m => m.Id == modelId && m.TenantId == tenantId && m.TrainType == "lora")
            .Select(m => new { m.BaseModel, m.Path }).SingleOrDefaultAsync(cancellationToken);
        (string, string)? found = model is not null ? (model.BaseModel, model.Path) : await CheckpointAsync(db, modelId, tenantId, cancellationToken);
        if (found is not var (baseModel, path) || registry.Find(baseModel) is null) return null;
        return new ServedModel(modelId, baseModel, new AdapterRef(modelId, store.Folder(path)), path);
    }

    private static async Task<(string, string)?> CheckpointAsync(PlatformDbContext db, string modelId, string tenantId, CancellationToken ct)
    {
        var checkpoint = await db.JobCheckpoints.AsNoTracking()
            .Where(c => c.FineTunedModelCheckpoint == modelId && c.TenantId == tenantId)
            .Join(db.Jobs, c => c.JobId, j => j.Id, (c, j) => new { j.Model, c.Path }).SingleOrDefaultAsync(ct);
        return checkpoint is null ? null : (checkpoint.Model, checkpoint.Path);
    }
}
