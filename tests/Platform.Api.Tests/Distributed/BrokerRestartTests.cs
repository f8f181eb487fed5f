using Platform.Api.Tests.Support;
using Platform.Testing;

namespace Platform.Api.Tests.Distributed;

/// <summary>A cluster whose RabbitMQ node is its own, so the test can stop and restart it.</summary>
public sealed class OwnBrokerClusterServer : ClusterServer
{
    protected override bool OwnBroker => true;
    protected override int InitialWorkers => 2;
}

public sealed class BrokerRestartTests(OwnBrokerClusterServer server) : IClassFixture<OwnBrokerClusterServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_the_broker_with_jobs_queued_loses_none_and_runs_none_twice_at_once()
    {
        var t = await server.NewTenantAsync(maxConcurrentJobs: 4);
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await JobCalls.CreateAsync(client, file, epochs: 2, batchSize: 1)).GetProperty("id").GetString()!);
        // Two workers of one slot each: two run, two wait.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await StatusesAsync(client, ids)).Count(s => s == "running") < 2 && DateTime.UtcNow < deadline) await Task.Delay(200, Ct);
        var before = await StatusesAsync(client, ids);
        Assert.Equal(2, before.Count(s => s == "running"));
        Assert.True(before.Count(s => s == "queued") >= 1, string.Join(", ", before));  // 2, unless a slow hand-over let the first job finish

        var restartedAt = DateTimeOffset.UtcNow;
        await TestRabbitMq.RestartAsync(server.Broker, TimeSpan.FromSeconds(3), Ct);
        var brokerBack = DateTimeOffset.UtcNow - restartedAt;

        foreach (var id in ids)
            Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(6)))
                .GetProperty("status").GetString());
        var redispatched = 0;
        foreach (var id in ids)
        {
            var messages = (await JobCalls.EventsAsync(client, id)).Select(e => e.GetProperty("message").GetString()!).ToList();
            var starts = messages.Count(m => m.StartsWith("Fine-tuning job started on", StringComparison.Ordinal)
                                             || m.StartsWith("Fine-tuning job resumed from step", StringComparison.Ordinal));
            var handedOver = messages.Count(m => m.StartsWith("Lost worker", StringComparison.Ordinal) || m.Contains("is shutting down", StringComparison.Ordinal));
            // Each start after the first follows the end of the one before (lease lost or handed back): never two at once.
            Assert.Equal(1 + handedOver, starts);
            Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM fine_tuned_models WHERE job_id = $1", id));
            redispatched += messages.Count(m => m.StartsWith("No worker picked up the job", StringComparison.Ordinal));
        }
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "platform-fault-figures.log"),
            $"{DateTimeOffset.UtcNow:O} broker restart (3 s down) with 2 running, 2 queued: back after {brokerBack.TotalSeconds:F1} s; " +
            $"4/4 succeeded, {redispatched} start message(s) re-sent after the lease, attempts {string.Join(",", await Task.WhenAll(ids.Select(server.AttemptAsync)))}\n", Ct);
    }

    private static async Task<List<string>> StatusesAsync(HttpClient client, IEnumerable<string> ids)
    {
        var statuses = new List<string>();
        foreach (var id in ids) statuses.Add((await JobCalls.GetAsync(client, id)).GetProperty("status").GetString()!);
        return statuses;
    }
}
