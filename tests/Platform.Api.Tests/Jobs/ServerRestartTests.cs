using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

public sealed class ServerRestartTests
{
    [Fact]
    public async Task A_job_interrupted_by_a_restart_resumes_from_its_checkpoint_and_completes()
    {
        await using var server = new PlatformServer();
        await server.InitializeAsync();
        var t = await server.NewTenantAsync();
        string id;
        int checkpointStep;
        using (var client = server.Client(t.Key))
        {
            var file = await JobCalls.UploadSampleAsync(client);
            id = (await JobCalls.CreateAsync(client, file, epochs: 4, batchSize: 1)).GetProperty("id").GetString()!;
            var deadline = DateTime.UtcNow.AddMinutes(3);
            List<System.Text.Json.JsonElement> checkpoints;
            while ((checkpoints = await JobCalls.CheckpointsAsync(client, id)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100, TestContext.Current.CancellationToken);
            checkpointStep = Assert.Single(checkpoints).GetProperty("step_number").GetInt32();
        }

        await server.StopAsync();
        await server.StartAsync();

        using var after = server.Client(t.Key);
        var done = await JobCalls.WaitForAsync(after, id, s => s is "succeeded" or "failed");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var messages = (await JobCalls.EventsAsync(after, id)).Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(messages, m => m.StartsWith($"Fine-tuning job resumed from step ", StringComparison.Ordinal)
                                       && int.Parse(m.Split(' ')[5]) >= checkpointStep);
    }
}
