using Microsoft.EntityFrameworkCore;
using Platform.Api.Errors;
using Platform.Data;
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

        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var verified = await TenantKeyVerifier.VerifyAsync(db, presented, http.RequestAborted);
        switch (verified.Outcome)
        {
            case TenantKeyVerifier.Outcome.Invalid:
                return Unauthorized("Incorrect API key provided.");
            case TenantKeyVerifier.Outcome.Suspended:
                return ApiError.Result(403, "This organization has been suspended. Contact the operator.", "permission_error", "tenant_suspended");
        }

        http.Items[nameof(TenantCaller)] = new TenantCaller(verified.TenantId!, verified.KeyId!);
        return await next(context);
    }

    private static IResult Unauthorized(string message) =>
        ApiError.Result(401, message, "invalid_request_error", "invalid_api_key");
}
