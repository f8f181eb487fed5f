using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Domain.Jobs;

namespace Platform.Api.Tests.Jobs;

/// <summary>The job grain's attempt fence: once an attempt is superseded, nothing it reports counts.</summary>
public sealed class AttemptFenceTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_superseded_attempt_cannot_report_metrics_checkpoints_an_outcome_or_hand_the_job_back()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 3, batchSize: 1)).GetProperty("id").GetString()!;
        await JobCalls.WaitForAsync(client, id, s => s == "running");
        var job = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IJobGrain>(id);
        var firstWorker = await WorkerAsync(id);

        // As if attempt 1's lease lapsed: the scheduler sends attempt 2, and the worker of attempt 1 is told to abandon.
        Assert.True(await job.RequeueIfStale(TimeSpan.Zero));
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!(await AttemptAsync(id) == 2 && await WorkerAsync(id) is not null) && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        Assert.Equal(2, await AttemptAsync(id));

        await job.RecordMetrics(1, [new StepMetrics(999, 999, 0.001, 0, 0, 0, 1)]);
        await job.RecordCheckpoint(1, 998, Path.Combine(server.StorageRoot, "stale"), null);
        await job.HandBack(1, firstWorker!, "is shutting down");
        await job.Finish(1, new RunOutcome(RunOutcome.Succeeded, Path.Combine(server.StorageRoot, "stale"), 1));
        Assert.Equal("running", (await JobCalls.GetAsync(client, id)).GetProperty("status").GetString());

        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var events = await JobCalls.EventsAsync(client, id);
        Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "metrics" && e.GetProperty("data").GetProperty("step").GetInt32() == 999);
        Assert.DoesNotContain(await JobCalls.CheckpointsAsync(client, id), c => c.GetProperty("step_number").GetInt32() == 998);
        Assert.DoesNotContain(events, e => e.GetProperty("message").GetString()!.Contains("is shutting down", StringComparison.Ordinal));
        Assert.Equal(2, await AttemptAsync(id));
    }

    private async Task<int> AttemptAsync(string id) => (int)(await ScalarAsync("SELECT attempt FROM fine_tuning_jobs WHERE id = $1", id))!;

    private async Task<string?> WorkerAsync(string id) => await ScalarAsync("SELECT worker_id FROM fine_tuning_jobs WHERE id = $1", id) as string;

    private async Task<object?> ScalarAsync(string sql, string id)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(Ct);
    }
}
