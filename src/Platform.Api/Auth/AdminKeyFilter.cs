using System.Security.Cryptography;
using Platform.Api.Errors;
using Platform.Domain.Keys;

namespace Platform.Api.Auth;

/// <summary>Guards /admin/v1 with the operator's admin key (compared by hash, in constant time).</summary>
internal sealed class AdminKeyFilter(AdminKeyStore adminKeys) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = BearerToken.From(context.HttpContext.Request);
        var stored = adminKeys.Hash;
        if (presented is null || stored is null || !CryptographicOperations.FixedTimeEquals(ApiKeySecret.Hash(presented), stored))
            return ApiError.Result(401, "A valid admin key is required.", "invalid_request_error", "invalid_admin_key");
        return await next(context);
    }
}
