using Platform.Domain.Errors;
using Platform.Domain.Jobs;

namespace Platform.Api.Errors;

/// <summary>
/// Turns a business-rule refusal from a grain into an OpenAI-shaped error response, and a cluster that cannot reach a
/// grain for the moment (a silo just died and membership has not yet declared it dead) into a retriable 503.
/// </summary>
internal sealed class DomainExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (DomainException e) { return ApiError.From(e); }
        catch (Exception e) when (ClusterUnreachableException.IsPassing(e))
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiError.Result(StatusCodes.Status503ServiceUnavailable,
                "The service is briefly unavailable: a cluster member just left and its work is moving. Retry the request.",
                "server_error", "cluster_unavailable");
        }
    }
}
