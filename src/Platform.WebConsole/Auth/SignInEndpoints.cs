using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Domain.Keys;

namespace Platform.WebConsole.Auth;

/// <summary>
/// Form posts that turn credentials into the console's cookie: operators by email and password at /admin/signin,
/// tenants by API key at /console/signin (the key is checked once and never stored in the browser).
/// Antiforgery is validated on both (form-bound minimal APIs).
/// </summary>
public static class SignInEndpoints
{
    public static void MapConsoleSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/signin", OperatorSignIn).ExcludeFromDescription();
        app.MapPost("/console/signin", TenantSignIn).ExcludeFromDescription();
        app.MapPost("/admin/signout", (Delegate)((HttpContext http) => SignOut(http, "/admin/login"))).ExcludeFromDescription();
        app.MapPost("/console/signout", (Delegate)((HttpContext http) => SignOut(http, "/console/login"))).ExcludeFromDescription();
    }

    private static async Task<IResult> OperatorSignIn(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, HttpContext http, OperatorAccounts accounts)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return Results.LocalRedirect("/admin/login?error=missing");
        var result = await accounts.SignInAsync(email, password, http.RequestAborted);
        if (result.Outcome != OperatorAccounts.Outcome.SignedIn)
            return Results.LocalRedirect("/admin/login?error=" + (result.Outcome == OperatorAccounts.Outcome.LockedOut ? "locked" : "invalid"));
        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.Name, result.User!.Email), new Claim(ClaimTypes.Role, result.User.Role),
        ], ConsoleRoles.Scheme);
        await http.SignInAsync(ConsoleRoles.Scheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(Local(returnUrl, "/admin"));
    }

    private static async Task<IResult> TenantSignIn(
        [FromForm] string? apiKey, [FromForm] string? returnUrl, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory)
    {
        if (string.IsNullOrWhiteSpace(apiKey)) return Results.LocalRedirect("/console/login?error=missing");
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var verified = await TenantKeyVerifier.VerifyAsync(db, apiKey.Trim(), http.RequestAborted);
        if (verified.Outcome != TenantKeyVerifier.Outcome.Valid)
            return Results.LocalRedirect("/console/login?error=" + (verified.Outcome == TenantKeyVerifier.Outcome.Suspended ? "suspended" : "invalid"));
        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.Name, verified.TenantName!), new Claim(ClaimTypes.Role, ConsoleRoles.Tenant),
            new Claim(ConsoleRoles.TenantIdClaim, verified.TenantId!), new Claim(ConsoleRoles.KeyIdClaim, verified.KeyId!),
        ], ConsoleRoles.Scheme);
        await http.SignInAsync(ConsoleRoles.Scheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(Local(returnUrl, "/console"));
    }

    private static async Task<IResult> SignOut(HttpContext http, string to)
    {
        await http.SignOutAsync(ConsoleRoles.Scheme);
        return Results.LocalRedirect(to);
    }

    internal static string Local(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : fallback;
}
