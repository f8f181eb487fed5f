using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Hosting;
using Platform.Data;
using Platform.Domain.Tenants;
using Platform.WebConsole.Actions;
using Platform.WebConsole.Auth;

namespace Platform.Api.Apis;

/// <summary>Operator endpoints: tenants and their API keys. Changes go through <see cref="ConsoleActions"/>, which audits them.</summary>
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
        group.MapPost("/{tenantId}/suspend", (string tenantId, ConsoleActions actions, CancellationToken ct) =>
            actions.SetSuspendedAsync(ConsoleActor.AdminKey, tenantId, true, ct));
        group.MapPost("/{tenantId}/reactivate", (string tenantId, ConsoleActions actions, CancellationToken ct) =>
            actions.SetSuspendedAsync(ConsoleActor.AdminKey, tenantId, false, ct));
        group.MapPost("/{tenantId}/api-keys", IssueKey);
        group.MapGet("/{tenantId}/api-keys", ListKeys);
        group.MapDelete("/{tenantId}/api-keys/{keyId}", RevokeKey);
        return group;
    }

    private static async Task<IResult> CreateTenant(CreateTenantRequest? body, ConsoleActions actions, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Name)) return ApiError.Invalid("'name' is required", "name");
        if (body.StorageQuotaBytes is < 0) return ApiError.Invalid("'storage_quota_bytes' must not be negative", "storage_quota_bytes");
        if (body.MaxConcurrentJobs is < 1) return ApiError.Invalid("'max_concurrent_jobs' must be at least 1", "max_concurrent_jobs");
        if (body.MaxQueuedJobs is < 1) return ApiError.Invalid("'max_queued_jobs' must be at least 1", "max_queued_jobs");
        var tenant = await actions.CreateTenantAsync(ConsoleActor.AdminKey, body.Name,
            new TenantLimits(body.StorageQuotaBytes, body.MaxConcurrentJobs, body.MaxQueuedJobs, body.TrainedTokensLimit), ct);
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

    private static Task<TenantInfo> UpdateLimits(string tenantId, CreateTenantRequest body, ConsoleActions actions, CancellationToken ct) =>
        actions.UpdateLimitsAsync(ConsoleActor.AdminKey, tenantId,
            new TenantLimits(body.StorageQuotaBytes, body.MaxConcurrentJobs, body.MaxQueuedJobs, body.TrainedTokensLimit), ct);

    private static async Task<IResult> IssueKey(string tenantId, IssueKeyRequest? body, ConsoleActions actions, CancellationToken ct)
    {
        var issued = await actions.IssueKeyAsync(ConsoleActor.AdminKey, tenantId, body?.Name ?? "default", ct);
        var k = issued.Key;
        return Results.Created($"/admin/v1/tenants/{tenantId}/api-keys/{k.Id}",
            new IssuedKeyResponse(k.Id, k.Name, k.Prefix, k.CreatedAt, issued.Plaintext));
    }

    private static async Task<KeyList> ListKeys(string tenantId, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return new KeyList(rows.Select(ApiKeyInfo.From).ToList());
    }

    private static Task<ApiKeyInfo> RevokeKey(string tenantId, string keyId, ConsoleActions actions, CancellationToken ct) =>
        actions.RevokeKeyAsync(ConsoleActor.AdminKey, tenantId, keyId, ct);
}
