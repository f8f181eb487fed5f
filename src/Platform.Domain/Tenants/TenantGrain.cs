using Platform.Domain.Placement;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Errors;
using Platform.Domain.Files;
using Platform.Domain.Keys;
using Platform.Domain.Storage;
using Platform.Domain.Webhooks;
using Microsoft.Extensions.Options;

namespace Platform.Domain.Tenants;

/// <remarks>On an API silo: a killed worker silo must not take tenants and jobs with it until the cluster votes it out.</remarks>
[ApiSiloPlacement]
public sealed partial class TenantGrain(
    IDbContextFactory<PlatformDbContext> dbFactory, IArtifactStore store, IGrainFactory grains, SsrfGuard ssrf,
    IOptions<WebhookOptions> webhookOptions, TimeProvider clock)
    : Grain, ITenantGrain
{
    private string TenantId => this.GetPrimaryKeyString();

    public async Task<TenantInfo> Create(string name, TenantLimits limits)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw new DomainException(ErrorKind.InvalidRequest, "invalid_name", "Tenant name must be 1-200 characters", "name");
        await using var db = await dbFactory.CreateDbContextAsync();
        if (await db.Tenants.AnyAsync(t => t.Name == name))
            throw new DomainException(ErrorKind.Conflict, "tenant_exists", $"A tenant named '{name}' already exists", "name");
        var tenant = new Tenant
        {
            Id = TenantId, Name = name.Trim(), Status = TenantStatus.Active,
            StorageQuotaBytes = limits.StorageQuotaBytes ?? 0, CreatedAt = clock.GetUtcNow(),
            TrainedTokensLimit = limits.TrainedTokensLimit,
        };
        if (limits.MaxConcurrentJobs is { } concurrent) tenant.MaxConcurrentJobs = concurrent;
        if (limits.MaxQueuedJobs is { } queued) tenant.MaxQueuedJobs = queued;
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return TenantInfo.From(tenant);
    }

    public async Task<TenantInfo> SetSuspended(bool suspended)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = await RequireTenant(db);
        tenant.Status = suspended ? TenantStatus.Suspended : TenantStatus.Active;
        tenant.SuspendedAt = suspended ? clock.GetUtcNow() : null;
        await db.SaveChangesAsync();
        return TenantInfo.From(tenant);
    }

    public async Task<TenantInfo> UpdateLimits(TenantLimits limits)
    {
        if (limits.StorageQuotaBytes is < 0 || limits.MaxConcurrentJobs is < 1 || limits.MaxQueuedJobs is < 1 || limits.TrainedTokensLimit is < 0)
            throw new DomainException(ErrorKind.InvalidRequest, "invalid_limits", "Quotas must not be negative and job limits must be at least 1");
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = await RequireTenant(db);
        if (limits.StorageQuotaBytes is { } storage) tenant.StorageQuotaBytes = storage;
        if (limits.MaxConcurrentJobs is { } concurrent) tenant.MaxConcurrentJobs = concurrent;
        if (limits.MaxQueuedJobs is { } queued) tenant.MaxQueuedJobs = queued;
        if (limits.TrainedTokensLimit is { } tokens) tenant.TrainedTokensLimit = tokens;
        await db.SaveChangesAsync();
        return TenantInfo.From(tenant);
    }

    public async Task<IssuedApiKey> IssueApiKey(string name)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await RequireTenant(db);
        var id = Ids.ApiKey();
        var (plaintext, hash) = ApiKeySecret.Issue(id);
        var key = new ApiKey
        {
            Id = id, TenantId = TenantId, Name = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim(),
            Prefix = ApiKeySecret.DisplayPrefix(id), SecretHash = hash, CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        return new IssuedApiKey(ApiKeyInfo.From(key), plaintext);
    }

    public async Task<ApiKeyInfo> RevokeApiKey(string keyId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.TenantId == TenantId)
                  ?? throw DomainException.NotFound("API key", keyId, "key_id");
        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync();
        return ApiKeyInfo.From(key);
    }

    public async Task<FileRecord> AddFile(NewFile file)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = await RequireTenant(db);
        var used = await db.Files.Where(f => f.TenantId == TenantId).SumAsync(f => (long?)f.Bytes) ?? 0;
        if (used + file.Content.Length > tenant.StorageQuotaBytes)
        {
            store.Discard(file.Content);
            if (file.Normalized is not null) store.Discard(file.Normalized);
            throw new DomainException(ErrorKind.QuotaExceeded, "storage_quota_exceeded",
                $"Storing this file ({file.Content.Length} bytes) would exceed the tenant's storage quota " +
                $"({used} of {tenant.StorageQuotaBytes} bytes used). Delete files or ask the operator to raise the quota.");
        }
        store.Commit(TenantId, file.Content);
        if (file.Normalized is not null) store.Commit(TenantId, file.Normalized);
        var row = FileMapping.ToEntity(Ids.File(), TenantId, file, clock.GetUtcNow());
        db.Files.Add(row);
        await db.SaveChangesAsync();
        return FileMapping.ToRecord(row);
    }

    public async Task<FileDeletion> DeleteFile(string fileId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var row = await db.Files.SingleOrDefaultAsync(f => f.Id == fileId && f.TenantId == TenantId)
                  ?? throw DomainException.NotFound("file", fileId, "file_id");
        db.Files.Remove(row);
        await db.SaveChangesAsync();
        foreach (var sha in new[] { row.Sha256, row.NormalizedSha256 }.OfType<string>())
        {
            var stillUsed = await db.Files.AnyAsync(f => f.TenantId == TenantId && (f.Sha256 == sha || f.NormalizedSha256 == sha));
            if (!stillUsed) store.Delete(TenantId, sha);
        }
        return new FileDeletion(fileId, true);
    }

    private async Task<Tenant> RequireTenant(PlatformDbContext db) =>
        await db.Tenants.SingleOrDefaultAsync(t => t.Id == TenantId) ?? throw DomainException.NotFound("tenant", TenantId);
}
