using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Audit;

/// <summary>Appends operator actions to the audit log (console users, and the admin key through /admin/v1).</summary>
public sealed class AuditLog(IDbContextFactory<PlatformDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The actor recorded for calls authenticated with the admin key.</summary>
    public const string AdminKeyActor = "admin-key";

    /// <summary>A tenant's limits as the audit entry's detail.</summary>
    public static string Describe(Tenants.TenantLimits l) =>
        $"storage_quota_bytes={l.StorageQuotaBytes} max_concurrent_jobs={l.MaxConcurrentJobs} max_queued_jobs={l.MaxQueuedJobs} trained_tokens_limit={l.TrainedTokensLimit?.ToString() ?? "none"}";

    public async Task RecordAsync(string actor, string action, string target, string? tenantId, string? detail, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditLog.Add(new AuditEntry { At = clock.GetUtcNow(), Actor = actor, Action = action, Target = target, TenantId = tenantId, Detail = detail });
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>The verbs the audit log records.</summary>
public static class AuditActions
{
    public const string TenantCreated = "tenant.created";
    public const string TenantSuspended = "tenant.suspended";
    public const string TenantResumed = "tenant.resumed";
    public const string TenantLimitsChanged = "tenant.limits_changed";
    public const string KeyIssued = "key.issued";
    public const string KeyRevoked = "key.revoked";
    public const string JobCancelled = "job.cancelled";
    public const string JobPaused = "job.paused";
    public const string JobResumed = "job.resumed";
    public const string ModelDeleted = "model.deleted";
    public const string WebhookRetried = "webhook.retried";
}
