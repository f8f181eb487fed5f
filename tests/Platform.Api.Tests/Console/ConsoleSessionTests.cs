using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.WebConsole;
using Platform.WebConsole.Auth;

namespace Platform.Api.Tests.Console;

/// <summary>The console's session cookie: HTTP-only, SameSite=Strict, expiring; forms without an antiforgery token are refused.</summary>
public sealed class ConsoleSessionTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string CookieName = ".platform.console";

    [Fact]
    public async Task The_session_cookie_is_http_only_strict_and_expires_after_the_session_lifetime()
    {
        using var ops = await ConsoleHttp.SignInOperatorAsync(server.BaseAddress, OperatorServer.AdminEmail, OperatorServer.Password);
        var cookie = ops.Cookies.GetCookies(server.BaseAddress)[CookieName];
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.Contains("samesite=strict", ops.SignInSetCookie!, StringComparison.OrdinalIgnoreCase);

        var format = server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleRoles.Scheme).TicketDataFormat;
        var ticket = format.Unprotect(cookie.Value)!;
        var lifetime = server.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.SessionLifetime;
        Assert.Equal(lifetime, ticket.Properties.ExpiresUtc - ticket.Properties.IssuedUtc);
        Assert.Equal(HttpStatusCode.OK, (await ops.Client.GetAsync("/admin/jobs", Ct)).StatusCode);

        // The same ticket, past its expiry, is a signed-out visitor.
        ticket.Properties.IssuedUtc = DateTimeOffset.UtcNow - lifetime - TimeSpan.FromMinutes(2);
        ticket.Properties.ExpiresUtc = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        using var stale = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        stale.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={format.Protect(ticket)}");
        var refused = await stale.GetAsync("/admin/jobs", Ct);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/admin/login", refused.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_even_from_a_signed_in_admin()
    {
        using var ops = await ConsoleHttp.SignInOperatorAsync(server.BaseAddress, OperatorServer.AdminEmail, OperatorServer.Password);
        var t = await server.NewTenantAsync();
        var response = await ops.Client.PostAsync($"/admin/actions/tenants/{t.TenantId}/suspend",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/admin" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var admin = server.Admin();
        Assert.Contains("\"active\"", await admin.GetStringAsync($"/admin/v1/tenants/{t.TenantId}", Ct));
        var signIn = await ops.Client.PostAsync("/admin/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["email"] = OperatorServer.AdminEmail, ["password"] = OperatorServer.Password }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
    }
}
