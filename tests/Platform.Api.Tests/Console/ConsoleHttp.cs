using System.Net;
using System.Text.RegularExpressions;

namespace Platform.Api.Tests.Console;

/// <summary>
/// A console session over plain HTTP, keeping cookies as a browser does: for posting forms by hand (a forged request
/// from a viewer) and for timing server-rendered pages without a browser's own costs.
/// </summary>
internal sealed partial class ConsoleHttp : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    public HttpClient Client { get; }
    public CookieContainer Cookies { get; } = new();
    /// <summary>The Set-Cookie header of the sign-in response (the container drops attributes such as SameSite).</summary>
    public string? SignInSetCookie { get; private set; }

    private ConsoleHttp(Uri baseAddress) =>
        Client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    public static async Task<ConsoleHttp> SignInOperatorAsync(Uri baseAddress, string email, string password)
    {
        var session = new ConsoleHttp(baseAddress);
        var response = await session.PostFormAsync("/admin/signin", "/admin/login", new() { ["email"] = email, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        session.SignInSetCookie = response.Headers.TryGetValues("Set-Cookie", out var set) ? string.Join("\n", set.Where(c => c.StartsWith(".platform.console=", StringComparison.Ordinal))) : null;
        return session;
    }

    /// <summary>The antiforgery token a page's forms carry for this session.</summary>
    public async Task<string> TokenAsync(string page)
    {
        var html = await Client.GetStringAsync(page, Ct);
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a form as the page <paramref name="tokenPage"/> would, with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string tokenPage, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await TokenAsync(tokenPage);
        return await Client.PostAsync(path, new FormUrlEncodedContent(fields), Ct);
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
