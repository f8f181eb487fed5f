using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Platform.WebConsole.Auth;
using Platform.Domain.Errors;

namespace Platform.WebConsole.Actions;

/// <summary>
/// The console's one-click changes, as form posts (antiforgery-checked) to /admin/actions/… and /console/actions/….
/// Each redirects back to the page it came from, with ?error=… when the change was refused.
/// </summary>
public static class ActionEndpoints
{
    public static void MapConsoleActions(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/admin/actions").RequireAuthorization(ConsoleRoles.OperatorPolicy), operators: true);
        Map(app.MapGroup("/console/actions").RequireAuthorization(ConsoleRoles.TenantPolicy), operators: false);
    }

    private static void Map(RouteGroupBuilder group, bool operators)
    {
        group.ExcludeFromDescription();
        group.MapPost("/jobs/{jobId}/{verb}", (string jobId, string verb, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.ControlJobAsync(actor, jobId, verb, ct)));
        group.MapPost("/models/{modelId}/delete", (string modelId, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.DeleteModelAsync(actor, modelId, ct)));
        group.MapPost("/deliveries/{deliveryId}/retry", (string deliveryId, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.RetryDeliveryAsync(actor, deliveryId, ct)));
        if (!operators) return;
        group.MapPost("/tenants/{tenantId}/suspend", (string tenantId, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.SetSuspendedAsync(actor, tenantId, true, ct)));
        group.MapPost("/tenants/{tenantId}/resume", (string tenantId, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.SetSuspendedAsync(actor, tenantId, false, ct)));
        group.MapPost("/tenants/{tenantId}/keys/{keyId}/revoke", (string tenantId, string keyId, [FromForm] string? returnUrl, HttpContext http, ConsoleActions actions) =>
            Run(http, returnUrl, (actor, ct) => actions.RevokeKeyAsync(actor, tenantId, keyId, ct)));
    }

    private static async Task<IResult> Run(HttpContext http, string? returnUrl, Func<ConsoleActor, CancellationToken, Task> action)
    {
        var back = SignInEndpoints.Local(returnUrl, http.Request.Path.StartsWithSegments("/console") ? "/console" : "/admin");
        var actor = ConsoleActor.From(http.User);
        if (actor is null) return Results.Unauthorized();
        try
        {
            await action(actor, http.RequestAborted);
            return Results.LocalRedirect(back);
        }
        catch (ConsoleForbiddenException e)
        {
            return Results.Text(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (DomainException e)
        {
            var separator = back.Contains('?') ? '&' : '?';
            return Results.LocalRedirect($"{back}{separator}error={Uri.EscapeDataString(e.Message)}");
        }
    }
}
