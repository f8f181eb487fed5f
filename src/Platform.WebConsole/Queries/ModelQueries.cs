using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Models;

namespace Platform.WebConsole.Queries;

/// <summary>An adapter with its lineage: base model → job → checkpoints → adapter.</summary>
public sealed record AdapterRow(FineTunedModel Model, string TenantName, IReadOnlyList<JobCheckpoint> Checkpoints);

public sealed class ModelQueries(IDbContextFactory<PlatformDbContext> dbFactory, BaseModelRegistry registry)
{
    public IReadOnlyList<BaseModelOptions> BaseModels => registry.All.OrderBy(m => m.Id).ToList();

    public async Task<IReadOnlyList<AdapterRow>> AdaptersAsync(ConsoleScope scope, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await scope.Filter(db.FineTunedModels.AsNoTracking(), m => m.TenantId == scope.TenantId)
            .OrderByDescending(m => m.CreatedAt).Take(500)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new { m, t.Name }).ToListAsync(cancellationToken);
        var jobIds = models.Select(x => x.m.JobId).ToList();
        var checkpoints = (await db.JobCheckpoints.AsNoTracking().Where(c => jobIds.Contains(c.JobId)).OrderBy(c => c.StepNumber).ToListAsync(cancellationToken))
            .ToLookup(c => c.JobId);
        return models.Select(x => new AdapterRow(x.m, x.Name, checkpoints[x.m.JobId].ToList())).ToList();
    }

    /// <summary>The artifact-store folder of a fine-tuned model or a checkpoint (by its model name) in scope; null if there is none.</summary>
    public async Task<string?> FolderAsync(ConsoleScope scope, string modelId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await scope.Filter(db.FineTunedModels.AsNoTracking(), m => m.TenantId == scope.TenantId).Where(m => m.Id == modelId).Select(m => m.Path)
                   .SingleOrDefaultAsync(cancellationToken)
               ?? await scope.Filter(db.JobCheckpoints.AsNoTracking(), c => c.TenantId == scope.TenantId)
                   .Where(c => c.FineTunedModelCheckpoint == modelId).Select(c => c.Path).SingleOrDefaultAsync(cancellationToken);
    }
}
