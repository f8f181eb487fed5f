using Microsoft.EntityFrameworkCore;
using Platform.Api.Errors;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Authenticates /v1 calls by tenant API key. Looked up on every request, so a revoked key or a suspended
/// tenant is refused on the very next call.
/// </summary>
internal sealed class TenantKeyFilter(IDbContextFactory<PlatformDbContext> dbFactory) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = BearerToken.From(http.Request);
        if (presented is null)
            return Unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        var keyId = ApiKeySecret.KeyIdOf(presented);
        if (keyId is null) return Unauthorized("Incorrect API key provided.");

        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId)
            .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => new { k.SecretHash, k.RevokedAt, k.TenantId, t.Status })
            .SingleOrDefaultAsync(http.RequestAborted);
        // Hash even when the id is unknown so timing does not tell valid ids from invalid ones.
        var matches = ApiKeySecret.Matches(presented, found?.SecretHash ?? new byte[32]);
        if (found is null || !matches || found.RevokedAt is not null) return Unauthorized("Incorrect API key provided.");
        if (found.Status == TenantStatus.Suspended)
            return ApiError.Result(403, "This organization has been suspended. Contact the operator.", "permission_error", "tenant_suspended");

        http.Items[nameof(TenantCaller)] = new TenantCaller(found.TenantId, keyId);
        return await next(context);
    }

    private static IResult Unauthorized(string message) =>
        ApiError.Result(401, message, "invalid_request_error", "invalid_api_key");
}
