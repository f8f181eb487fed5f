using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Hosting;
using Platform.Data;
using Platform.Domain;
using Platform.Domain.Audit;
using Platform.Domain.Tenants;

namespace Platform.Api.Apis;

/// <summary>Operator endpoints: tenants and their API keys.</summary>
public static class AdminTenantsApi
{
    public sealed record CreateTenantRequest(string? Name, long? StorageQuotaBytes, int? MaxConcurrentJobs, int? MaxQueuedJobs, long? TrainedTokensLimit);
    public sealed record IssueKeyRequest(string? Name);
    public sealed record TenantList(IReadOnlyList<TenantInfo> Data, string Object = "list");
    public sealed record KeyList(IReadOnlyList<ApiKeyInfo> Data, string Object = "list");
    public sealed record IssuedKeyResponse(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

    public static RouteGroupBuilder MapAdminTenantsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/v1/tenants")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .WithTags("Admin");
        group.MapPost("/", CreateTenant);
        group.MapGet("/", ListTenants);
        group.MapGet("/{tenantId}", GetTenant);
        group.MapPost("/{tenantId}", UpdateLimits);
        group.MapPost("/{tenantId}/suspend", (string tenantId, IGrainFactory grains, AuditLog audit, CancellationToken ct) => SetSuspended(tenantId, true, grains, audit, ct));
        group.MapPost("/{tenantId}/reactivate", (string tenantId, IGrainFactory grains, AuditLog audit, CancellationToken ct) => SetSuspended(tenantId, false, grains, audit, ct));
        group.MapPost("/{tenantId}/api-keys", IssueKey);
        group.MapGet("/{tenantId}/api-keys", ListKeys);
        group.MapDelete("/{tenantId}/api-keys/{keyId}", RevokeKey);
        return group;
    }

    private static async Task<IResult> CreateTenant(CreateTenantRequest? body, IGrainFactory grains, IOptions<TenantDefaultsOptions> defaults, AuditLog audit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Name)) return ApiError.Invalid("'name' is required", "name");
        if (body.StorageQuotaBytes is < 0) return ApiError.Invalid("'storage_quota_bytes' must not be negative", "storage_quota_bytes");
        if (body.MaxConcurrentJobs is < 1) return ApiError.Invalid("'max_concurrent_jobs' must be at least 1", "max_concurrent_jobs");
        if (body.MaxQueuedJobs is < 1) return ApiError.Invalid("'max_queued_jobs' must be at least 1", "max_queued_jobs");
        var tenant = await grains.GetGrain<ITenantGrain>(Ids.Tenant()).Create(body.Name, new TenantLimits(
            body.StorageQuotaBytes ?? defaults.Value.StorageQuotaBytes, body.MaxConcurrentJobs, body.MaxQueuedJobs, body.TrainedTokensLimit));
        await audit.RecordAsync(AuditLog.AdminKeyActor, AuditActions.TenantCreated, tenant.Id, tenant.Id, $"name={tenant.Name}", ct);
        return Results.Created($"/admin/v1/tenants/{tenant.Id}", tenant);
    }

    private static async Task<TenantList> ListTenants(IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Tenants.AsNoTracking().OrderBy(t => t.CreatedAt).ToListAsync(ct);
        return new TenantList(rows.Select(TenantInfo.From).ToList());
    }

    private static async Task<IResult> GetTenant(string tenantId, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var t = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(x => x.Id == tenantId, ct);
        return t is null
            ? ApiError.NotFound("tenant", tenantId)
            : Results.Ok(TenantInfo.From(t));
    }

    private static async Task<TenantInfo> SetSuspended(string tenantId, bool suspended, IGrainFactory grains, AuditLog audit, CancellationToken ct)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).SetSuspended(suspended);
        await audit.RecordAsync(AuditLog.AdminKeyActor, suspended ? AuditActions.TenantSuspended : AuditActions.TenantResumed, tenantId, tenantId, null, ct);
        return tenant;
    }

    private static async Task<TenantInfo> UpdateLimits(string tenantId, CreateTenantRequest body, IGrainFactory grains, AuditLog audit, CancellationToken ct)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).UpdateLimits(
            new TenantLimits(body.StorageQuotaBytes, body.MaxConcurrentJobs, body.MaxQueuedJobs, body.TrainedTokensLimit));
        var l = tenant.Limits;
        await audit.RecordAsync(AuditLog.AdminKeyActor, AuditActions.TenantLimitsChanged, tenantId, tenantId,
            AuditLog.Describe(l), ct);
        return tenant;
    }

    private static async Task<IResult> IssueKey(string tenantId, IssueKeyRequest? body, IGrainFactory grains, AuditLog audit, CancellationToken ct)
    {
        var issued = await grains.GetGrain<ITenantGrain>(tenantId).IssueApiKey(body?.Name ?? "default");
        var k = issued.Key;
        await audit.RecordAsync(AuditLog.AdminKeyActor, AuditActions.KeyIssued, k.Id, tenantId, $"name={k.Name}", ct);
        return Results.Created($"/admin/v1/tenants/{tenantId}/api-keys/{k.Id}",
            new IssuedKeyResponse(k.Id, k.Name, k.Prefix, k.CreatedAt, issued.Plaintext));
    }

    private static async Task<KeyList> ListKeys(string tenantId, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return new KeyList(rows.Select(ApiKeyInfo.From).ToList());
    }

    private static async Task<ApiKeyInfo> RevokeKey(string tenantId, string keyId, IGrainFactory grains, AuditLog audit, CancellationToken ct)
    {
        var key = await grains.GetGrain<ITenantGrain>(tenantId).RevokeApiKey(keyId);
        await audit.RecordAsync(AuditLog.AdminKeyActor, AuditActions.KeyRevoked, keyId, tenantId, null, ct);
        return key;
    }
}
