using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.WebConsole.Auth;
using Platform.Data;
using Platform.Domain;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Inference;
using Platform.Domain.Jobs;
using Platform.Domain.Tenants;

namespace Platform.WebConsole.Actions;

/// <summary>
/// Every operator change goes through here, whether made in the console or through /admin/v1 with the admin key
/// (<see cref="ConsoleActor.AdminKey"/>): the actor's right to make it is checked on the server (a viewer is refused
/// whatever the browser sends), the change goes to the owning grain, and operators' changes are audited.
/// Tenants signed in to /console act only on their own tenant's objects, and are not audited (they are not operators).
/// </summary>
public sealed class ConsoleActions(
    IGrainFactory grains, IDbContextFactory<PlatformDbContext> dbFactory, AuditLog audit, IOptions<TenantDefaultsOptions> defaults)
{
    public async Task<TenantInfo> CreateTenantAsync(ConsoleActor actor, string name, TenantLimits limits, CancellationToken cancellationToken)
    {
        RequireOperatorAdmin(actor);
        var tenant = await grains.GetGrain<ITenantGrain>(Ids.Tenant()).Create(name,
            limits with { StorageQuotaBytes = limits.StorageQuotaBytes ?? defaults.Value.StorageQuotaBytes });
        await audit.RecordAsync(actor.Name, AuditActions.TenantCreated, tenant.Id, tenant.Id, $"name={tenant.Name}", cancellationToken);
        return tenant;
    }

    public async Task<TenantInfo> SetSuspendedAsync(ConsoleActor actor, string tenantId, bool suspended, CancellationToken cancellationToken)
    {
        RequireOperatorAdmin(actor);
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).SetSuspended(suspended);
        await audit.RecordAsync(actor.Name, suspended ? AuditActions.TenantSuspended : AuditActions.TenantResumed, tenantId, tenantId, null, cancellationToken);
        return tenant;
    }

    public async Task<TenantInfo> UpdateLimitsAsync(ConsoleActor actor, string tenantId, TenantLimits limits, CancellationToken cancellationToken)
    {
        RequireOperatorAdmin(actor);
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).UpdateLimits(limits);
        await audit.RecordAsync(actor.Name, AuditActions.TenantLimitsChanged, tenantId, tenantId, AuditLog.Describe(tenant.Limits), cancellationToken);
        return tenant;
    }

    public async Task<IssuedApiKey> IssueKeyAsync(ConsoleActor actor, string tenantId, string name, CancellationToken cancellationToken)
    {
        RequireOperatorAdmin(actor);
        var issued = await grains.GetGrain<ITenantGrain>(tenantId).IssueApiKey(name);
        await audit.RecordAsync(actor.Name, AuditActions.KeyIssued, issued.Key.Id, tenantId, $"name={issued.Key.Name}", cancellationToken);
        return issued;
    }

    public async Task<ApiKeyInfo> RevokeKeyAsync(ConsoleActor actor, string tenantId, string keyId, CancellationToken cancellationToken)
    {
        RequireOperatorAdmin(actor);
        var key = await grains.GetGrain<ITenantGrain>(tenantId).RevokeApiKey(keyId);
        await audit.RecordAsync(actor.Name, AuditActions.KeyRevoked, keyId, tenantId, $"name={key.Name}", cancellationToken);
        return key;
    }

    /// <summary>"cancel", "pause" or "resume" a job.</summary>
    public async Task<JobSnapshot> ControlJobAsync(ConsoleActor actor, string jobId, string verb, CancellationToken cancellationToken)
    {
        var tenantId = await OwnerAsync(actor, db => db.Jobs.Where(j => j.Id == jobId).Select(j => j.TenantId), "job", jobId, cancellationToken);
        var job = grains.GetGrain<IJobGrain>(jobId);
        var (snapshot, action) = verb switch
        {
            "cancel" => (await job.Cancel(tenantId), AuditActions.JobCancelled),
            "pause" => (await job.Pause(tenantId), AuditActions.JobPaused),
            "resume" => (await job.Resume(tenantId), AuditActions.JobResumed),
            _ => throw new DomainException(ErrorKind.InvalidRequest, "invalid_action", $"Unknown job action '{verb}'"),
        };
        await AuditIfOperator(actor, action, jobId, tenantId, cancellationToken);
        return snapshot;
    }

    public async Task DeleteModelAsync(ConsoleActor actor, string modelId, CancellationToken cancellationToken)
    {
        var tenantId = await OwnerAsync(actor, db => db.FineTunedModels.Where(m => m.Id == modelId).Select(m => m.TenantId), "model", modelId, cancellationToken);
        await grains.GetGrain<ITenantGrain>(tenantId).DeleteModel(modelId);
        await grains.UnloadEverywhereAsync(modelId);
        await AuditIfOperator(actor, AuditActions.ModelDeleted, modelId, tenantId, cancellationToken);
    }

    public async Task RetryDeliveryAsync(ConsoleActor actor, string deliveryId, CancellationToken cancellationToken)
    {
        var tenantId = await OwnerAsync(actor, db => db.WebhookDeliveries.Where(d => d.Id == deliveryId).Select(d => d.TenantId), "delivery", deliveryId, cancellationToken);
        string endpointId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            endpointId = await db.WebhookDeliveries.Where(d => d.Id == deliveryId).Select(d => d.EndpointId).SingleAsync(cancellationToken);
        await grains.GetGrain<ITenantGrain>(tenantId).RetryDelivery(endpointId, deliveryId);
        await AuditIfOperator(actor, AuditActions.WebhookRetried, deliveryId, tenantId, $"endpoint={endpointId}", cancellationToken);
    }

    /// <summary>The tenant owning the object, if the actor may change it: admins any tenant's, tenants their own, viewers none.</summary>
    private async Task<string> OwnerAsync(ConsoleActor actor, Func<PlatformDbContext, IQueryable<string>> owner, string what, string id, CancellationToken cancellationToken)
    {
        RequireCanChange(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tenantId = await owner(db).SingleOrDefaultAsync(cancellationToken);
        if (tenantId is null || (actor.Role == ConsoleRoles.Tenant && tenantId != actor.TenantId)) throw DomainException.NotFound(what, id);
        return tenantId;
    }

    private Task AuditIfOperator(ConsoleActor actor, string action, string target, string tenantId, CancellationToken cancellationToken) =>
        AuditIfOperator(actor, action, target, tenantId, null, cancellationToken);

    private Task AuditIfOperator(ConsoleActor actor, string action, string target, string tenantId, string? detail, CancellationToken cancellationToken) =>
        actor.IsOperator ? audit.RecordAsync(actor.Name, action, target, tenantId, detail, cancellationToken) : Task.CompletedTask;

    private static void RequireCanChange(ConsoleActor actor)
    {
        if (!actor.CanChange) throw new ConsoleForbiddenException("Viewers can see everything but change nothing.");
    }

    private static void RequireOperatorAdmin(ConsoleActor actor)
    {
        if (actor.Role != ConsoleRoles.Admin) throw new ConsoleForbiddenException("Only console admins can do this.");
    }
}

/// <summary>The actor may not make this change; the endpoints answer 403.</summary>
public sealed class ConsoleForbiddenException(string message) : Exception(message);
