using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Api.Tests.Support;

/// <summary>A real HTTP receiver on 127.0.0.1 that records what it is sent and answers with a settable status.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body, DateTimeOffset At);

    private readonly WebApplication _app;
    public ConcurrentQueue<Received> Requests { get; } = new();
    public int Status { get; set; } = 200;
    public string? RetryAfter { get; set; }
    public Uri Url { get; private set; } = null!;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow));
            if (receiver.RetryAfter is not null) http.Response.Headers.RetryAfter = receiver.RetryAfter;
            http.Response.StatusCode = receiver.Status;
            await http.Response.WriteAsync(receiver.Status < 300 ? "ok" : "receiver is down");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");
        return receiver;
    }

    public async Task<Received> WaitForAsync(Func<Received, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var found = Requests.FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException("the receiver got no matching webhook");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
