using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Distributed;

/// <summary>An API silo in the test process, worker silos as separate processes, RabbitMQ and Postgres for real.</summary>
public sealed class ClusterServer : RabbitMqServer
{
    public string ClusterId { get; } = "cluster-" + Guid.NewGuid().ToString("N")[..8];

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Roles"] = "api";
        s["Cluster:Clustering"] = "adonet";
        s["Scheduler:LeaseTimeout"] = "00:00:04";
        s["Cluster:ClusterId"] = ClusterId;
        return s;
    }

    /// <summary>Settings a worker process needs to join this cluster.</summary>
    public Dictionary<string, string?> WorkerSettings() => new()
    {
        ["ConnectionStrings:Platform"] = ConnectionString, ["Storage:Root"] = StorageRoot,
        ["Cluster:Clustering"] = "adonet", ["Cluster:ClusterId"] = ClusterId,
        ["Messaging:Transport"] = "rabbitmq", ["Messaging:Host"] = Broker.Host, ["Messaging:Port"] = Broker.Port.ToString(), ["Messaging:VirtualHost"] = VirtualHost,
        ["Worker:Slots"] = "1", ["Worker:HeartbeatInterval"] = "00:00:00.300", ["Worker:MetricsInterval"] = "00:00:00.200",
        ["Scheduler:LeaseTimeout"] = "00:00:04", ["Logging:LogLevel:Default"] = "Warning",
    };
}

public sealed class WorkerFailureTests(ClusterServer server) : IClassFixture<ClusterServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_killed_mid_training_hands_the_job_to_another_which_resumes_from_the_checkpoint()
    {
        await using var first = WorkerProcess.Start(server.WorkerSettings());
        await using var second = WorkerProcess.Start(server.WorkerSettings());
        await ActiveSilosAsync(3);
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 3, batchSize: 1)).GetProperty("id").GetString()!;

        var deadline = DateTime.UtcNow.AddMinutes(3);
        List<System.Text.Json.JsonElement> checkpoints;
        while ((checkpoints = await JobCalls.CheckpointsAsync(client, id)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        var checkpointStep = checkpoints.Max(c => c.GetProperty("step_number").GetInt32());
        var holder = await WorkerPidAsync(id);
        var victim = holder == first.Pid ? first : second;
        var survivor = holder == first.Pid ? second : first;
        var stepAtKill = (await JobCalls.EventsAsync(client, id)).Where(e => e.GetProperty("type").GetString() == "metrics")
            .Select(e => e.GetProperty("data").GetProperty("step").GetInt32()).DefaultIfEmpty(0).Max();
        victim.Kill();
        var killedAt = DateTimeOffset.UtcNow;

        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed", TimeSpan.FromMinutes(4));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.False(survivor.HasExited);
        var events = await JobCalls.EventsAsync(client, id);
        var lost = events.First(e => e.GetProperty("message").GetString()!.StartsWith("Lost worker", StringComparison.Ordinal));
        var resumed = events.First(e => e.GetProperty("message").GetString()!.StartsWith("Fine-tuning job resumed from step", StringComparison.Ordinal));
        Assert.True(int.Parse(resumed.GetProperty("message").GetString()!.Split(' ')[5]) >= checkpointStep);
        Assert.Equal(2, await AttemptAsync(id));
        // Figures for the operator's notes: detection and resume times, steps redone.
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "platform-fault-figures.log"),
            $"{DateTimeOffset.UtcNow:O} worker SIGKILL: killed at step ~{stepAtKill} (last checkpoint {checkpointStep}); lost detected after " +
            $"{DateTimeOffset.FromUnixTimeSeconds(lost.GetProperty("created_at").GetInt64()) - killedAt:g}, resumed after " +
            $"{DateTimeOffset.FromUnixTimeSeconds(resumed.GetProperty("created_at").GetInt64()) - killedAt:g} (event times are whole seconds)\n", Ct);
    }

    /// <summary>Waits until the API silo and both worker silos are Active in the membership table.</summary>
    private async Task ActiveSilosAsync(int count)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3", conn);
            cmd.Parameters.AddWithValue(server.ClusterId);
            if ((long)(await cmd.ExecuteScalarAsync(Ct))! >= count) { await Task.Delay(2000, Ct); return; }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"{count} silos did not become active");
    }

    private async Task<int> WorkerPidAsync(string jobId)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT worker_id FROM fine_tuning_jobs WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(jobId);
        var worker = (string)(await cmd.ExecuteScalarAsync(Ct))!; // "<machine>-<pid>-<suffix>"
        return int.Parse(worker.Split('-')[^2]);
    }

    private async Task<int> AttemptAsync(string jobId)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT attempt FROM fine_tuning_jobs WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(jobId);
        return (int)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
