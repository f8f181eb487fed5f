using System.Net;
using Microsoft.Extensions.Options;
using Platform.Api.Tests.Support;
using Platform.Domain.Webhooks;

namespace Platform.Api.Tests.Webhooks;

public sealed class SsrfGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2606:4700::1111", false)]
    public void Address_classes(string address, bool forbidden) =>
        Assert.Equal(forbidden, SsrfGuard.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public async Task A_hostname_resolving_to_loopback_is_refused_at_connect_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var guard = new SsrfGuard(Options.Create(new WebhookOptions()));
        using var http = new HttpClient(guard.CreateHandler());
        var url = new UriBuilder(receiver.Url) { Host = "localhost" }.Uri;

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(url, new StringContent("{}"), TestContext.Current.CancellationToken));
        Assert.Contains("refused to connect", e.Message);
        Assert.Empty(receiver.Requests);
    }
}
