using Microsoft.EntityFrameworkCore;
using Platform.Domain.Errors;
using Platform.Domain.Jobs;

namespace Platform.Domain.Tenants;

public sealed partial class TenantGrain
{
    private static readonly string[] Waiting = [JobStatus.ValidatingFiles, JobStatus.Queued, JobStatus.Paused];

    public async Task<JobSnapshot> CreateJob(CreateJob request)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = await RequireTenant(db);
        var waiting = await db.Jobs.CountAsync(j => j.TenantId == TenantId && Waiting.Contains(j.Status));
        if (waiting >= tenant.MaxQueuedJobs)
            throw new DomainException(ErrorKind.TooMany, "too_many_queued_jobs",
                $"This organization already has {waiting} jobs waiting (limit {tenant.MaxQueuedJobs}). Wait for some to finish or cancel them.");
        if (tenant.TrainedTokensLimit is { } limit)
        {
            var used = await db.Jobs.Where(j => j.TenantId == TenantId).SumAsync(j => j.TrainedTokens ?? 0);
            if (used >= limit)
                throw new DomainException(ErrorKind.QuotaExceeded, "trained_tokens_quota_exceeded",
                    $"This organization has trained on {used} tokens, its limit is {limit}.");
        }
        return await grains.GetGrain<IJobGrain>(Ids.New("ftjob-")).Create(TenantId, request);
    }

    public async Task DeleteModel(string modelId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var model = await db.FineTunedModels.SingleOrDefaultAsync(m => m.Id == modelId && m.TenantId == TenantId)
                    ?? throw DomainException.NotFound("model", modelId, "model");
        db.FineTunedModels.Remove(model);
        await db.SaveChangesAsync();
        var folder = store.Folder(model.Path);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
