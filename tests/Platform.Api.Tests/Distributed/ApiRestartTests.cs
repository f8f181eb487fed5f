using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Distributed;

/// <summary>The API silo goes away and comes back while a worker process trains.</summary>
public sealed class ApiRestartTests(ClusterServer server) : IClassFixture<ClusterServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_the_api_silo_mid_job_loses_nothing_and_the_job_completes()
    {
        await using var worker = server.StartWorker();
        await server.ActiveSilosAsync(2);
        var t = await server.NewTenantAsync();
        string id;
        using (var client = server.Client(t.Key))
        {
            var file = await JobCalls.UploadSampleAsync(client);
            id = (await JobCalls.CreateAsync(client, file, epochs: 3, batchSize: 1)).GetProperty("id").GetString()!;
            await JobCalls.WaitForAsync(client, id, s => s == "running");
        }
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await LastStepAsync(id) < 3 && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        var stepBefore = await LastStepAsync(id);

        var down = DateTimeOffset.UtcNow;
        await server.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        await server.StartAsync();
        var upAfter = DateTimeOffset.UtcNow - down;

        using var again = server.Client(t.Key);
        var done = await JobCalls.WaitForAsync(again, id, s => s is "succeeded" or "failed", TimeSpan.FromMinutes(4));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.False(worker.HasExited);
        var attempts = await server.AttemptAsync(id);
        var events = await JobCalls.EventsAsync(again, id);
        var steps = events.Where(e => e.GetProperty("type").GetString() == "metrics")
            .Select(e => e.GetProperty("data").GetProperty("step").GetInt32()).ToList();
        Assert.Equal(27, steps.Max());
        Assert.True(steps.Count(s => s > stepBefore) >= 2, "metrics kept arriving after the restart");
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM fine_tuned_models WHERE job_id = $1", id));
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "platform-fault-figures.log"),
            $"{DateTimeOffset.UtcNow:O} api silo restart at step ~{stepBefore}: back after {upAfter.TotalSeconds:F1} s; job succeeded with {attempts} attempt(s), " +
            $"final step 27 recorded\n", Ct);
    }

    private Task<int> LastStepAsync(string id) => server.ScalarAsync<int>(
        "SELECT coalesce(max((data::jsonb->>'step')::int), 0) FROM fine_tuning_job_events WHERE job_id = $1 AND type = 'metrics'", id);
}
