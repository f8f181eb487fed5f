using System.Net;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Tenants;

public sealed class RateLimitedServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["RateLimit:RequestsPerSecond"] = "1";
        s["RateLimit:Burst"] = "3";
        return s;
    }
}

public sealed class RateLimitTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_other_keys_are_served()
    {
        var ct = TestContext.Current.CancellationToken;
        var busy = await server.NewTenantAsync();
        var quiet = await server.NewTenantAsync();
        using var client = server.Client(busy.Key);

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var r = await client.GetAsync("/v1/files", ct);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited = r;
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("rate_limit_exceeded", (await ApiKeyTests.ErrorOf(limited)).GetProperty("code").GetString());
        using var other = server.Client(quiet.Key);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/files", ct)).StatusCode);
    }
}
