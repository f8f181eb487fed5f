using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Cli.Load;

/// <summary>A loopback receiver for fine_tuning.job.succeeded; reports receipt time minus the job's finished_at.</summary>
internal sealed class WebhookLatencyProbe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _received = new();

    private WebhookLatencyProbe(WebApplication app) => _app = app;
    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookLatencyProbe> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var probe = new WebhookLatencyProbe(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var at = DateTimeOffset.UtcNow;
            using var doc = await JsonDocument.ParseAsync(http.Request.Body);
            if (doc.RootElement.GetProperty("type").GetString() == "fine_tuning.job.succeeded")
                probe._received.TryAdd(doc.RootElement.GetProperty("data").GetProperty("id").GetString()!, at);
            return Results.Ok();
        });
        await app.StartAsync(ct);
        probe.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");
        return probe;
    }

    /// <summary>Waits (bounded) for every job's event, then returns the latencies in ms and how many never came.</summary>
    public async Task<(double[] LatenciesMs, int Missing)> CollectAsync(string connectionString, IReadOnlyList<string> jobIds, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (jobIds.Any(id => !_received.ContainsKey(id)) && DateTime.UtcNow < deadline) await Task.Delay(100, ct);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT id, finished_at FROM fine_tuning_jobs WHERE id = ANY($1) AND status = 'succeeded'", conn);
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        var latencies = new List<double>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (_received.TryGetValue(reader.GetString(0), out var at))
                latencies.Add((at - reader.GetFieldValue<DateTimeOffset>(1)).TotalMilliseconds);
        return (latencies.Order().ToArray(), jobIds.Count - latencies.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
