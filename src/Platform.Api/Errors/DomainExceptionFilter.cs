using Platform.Domain.Errors;

namespace Platform.Api.Errors;

/// <summary>Turns a business-rule refusal from a grain into an OpenAI-shaped error response.</summary>
internal sealed class DomainExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (DomainException e) { return ApiError.From(e); }
    }
}
