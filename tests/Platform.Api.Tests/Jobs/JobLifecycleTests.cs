using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Tenants;

namespace Platform.Api.Tests.Jobs;

public sealed class JobLifecycleTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancel_while_queued_never_runs_and_cancel_while_running_stops_within_seconds()
    {
        var t = await server.NewTenantAsync(maxConcurrentJobs: 1);
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var running = (await JobCalls.CreateAsync(client, file, epochs: 50, batchSize: 1)).GetProperty("id").GetString()!;
        var waiting = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;

        await JobCalls.WaitForAsync(client, running, s => s == "running");
        Assert.Equal("queued", (await JobCalls.GetAsync(client, waiting)).GetProperty("status").GetString());
        Assert.Equal("cancelled", (await JobCalls.PostAsync(client, waiting, "cancel")).GetProperty("status").GetString());
        Assert.DoesNotContain(await JobCalls.EventsAsync(client, waiting), e => e.GetProperty("message").GetString()!.Contains("started"));

        var asked = DateTime.UtcNow;
        await JobCalls.PostAsync(client, running, "cancel");
        var cancelled = await JobCalls.WaitForAsync(client, running, s => s != "running", TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.True(DateTime.UtcNow - asked < TimeSpan.FromSeconds(15), $"took {DateTime.UtcNow - asked}");

        var again = await client.PostAsync($"/v1/fine_tuning/jobs/{running}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Pause_saves_a_checkpoint_and_resume_continues_from_it()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 4, batchSize: 1)).GetProperty("id").GetString()!;

        await WaitForMetricsAsync(client, id, step: 3);
        await JobCalls.PostAsync(client, id, "pause");
        await JobCalls.WaitForAsync(client, id, s => s == "paused", TimeSpan.FromSeconds(30));
        var pausedAt = (await JobCalls.CheckpointsAsync(client, id)).Max(c => c.GetProperty("step_number").GetInt32());
        Assert.True(pausedAt >= 3);

        await JobCalls.PostAsync(client, id, "resume");
        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var events = await JobCalls.EventsAsync(client, id);
        Assert.Contains(events, e => e.GetProperty("message").GetString() == $"Fine-tuning job resumed from step {pausedAt} on " + WorkerOf(events));
        var steps = events.Where(e => e.GetProperty("type").GetString() == "metrics").Select(e => e.GetProperty("data").GetProperty("step").GetInt32()).ToList();
        Assert.DoesNotContain(steps.SkipWhile(s => s <= pausedAt), s => s <= pausedAt);
    }

    [Fact]
    public async Task A_job_whose_data_is_lost_fails_with_its_error()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        await using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand("SELECT sha256 FROM files WHERE id = $1", conn);
            cmd.Parameters.AddWithValue(file);
            var sha = (string)(await cmd.ExecuteScalarAsync(Ct))!;
            File.Delete(Path.Combine(server.StorageRoot, "objects", t.TenantId, sha[..2], sha));
        }

        var id = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        var failed = await JobCalls.WaitForAsync(client, id, s => s is "failed" or "succeeded");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var error = failed.GetProperty("error");
        Assert.Equal("training_error", error.GetProperty("code").GetString());
        Assert.Contains("Could not find file", error.GetProperty("message").GetString());
        Assert.Contains(await JobCalls.EventsAsync(client, id), e => e.GetProperty("level").GetString() == "error");
    }

    [Fact]
    public async Task Bad_requests_get_clear_400s()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);

        async Task<JsonElement> Refused(object body)
        {
            var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await ApiKeyTests.ErrorOf(response);
        }

        Assert.Contains("qwen3-tiny", (await Refused(new { model = "gpt-9", training_file = file })).GetProperty("message").GetString());
        Assert.Equal("training_file", (await Refused(new { model = "qwen3-tiny", training_file = "file-nope" })).GetProperty("param").GetString());
        Assert.Contains("preference", (await Refused(new { model = "qwen3-tiny", training_file = file, method = new { type = "dpo" } })).GetProperty("message").GetString());
        Assert.Equal("n_epochs", (await Refused(new { model = "qwen3-tiny", training_file = file, hyperparameters = new { n_epochs = 0 } })).GetProperty("param").GetString());
        var broken = (await Uploads.UploadAsync(client, "bad.jsonl", "nope\n")).GetProperty("id").GetString();
        Assert.Equal("invalid_file", (await Refused(new { model = "qwen3-tiny", training_file = broken })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Another_tenants_jobs_events_checkpoints_and_models_are_404()
    {
        var owner = await server.NewTenantAsync();
        var stranger = await server.NewTenantAsync();
        using var ownerClient = server.Client(owner.Key);
        var file = await JobCalls.UploadSampleAsync(ownerClient);
        var id = (await JobCalls.CreateAsync(ownerClient, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        var done = await JobCalls.WaitForAsync(ownerClient, id, s => s is "succeeded" or "failed");
        var model = done.GetProperty("fine_tuned_model").GetString()!;

        using var client = server.Client(stranger.Key);
        foreach (var response in new[]
                 {
                     await client.GetAsync($"/v1/fine_tuning/jobs/{id}", Ct),
                     await client.GetAsync($"/v1/fine_tuning/jobs/{id}/events", Ct),
                     await client.GetAsync($"/v1/fine_tuning/jobs/{id}/checkpoints", Ct),
                     await client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", null, Ct),
                     await client.PostAsync($"/v1/fine_tuning/jobs/{id}/pause", null, Ct),
                     await client.PostAsync($"/v1/fine_tuning/jobs/{id}/resume", null, Ct),
                     await client.GetAsync($"/v1/models/{model}", Ct),
                     await client.GetAsync($"/v1/models/{model}/adapter", Ct),
                     await client.DeleteAsync($"/v1/models/{model}", Ct),
                 })
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/v1/fine_tuning/jobs", Ct);
        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/v1/models", Ct)).GetProperty("data").EnumerateArray(),
            m => m.GetProperty("id").GetString() == model);

        Assert.Equal(HttpStatusCode.OK, (await ownerClient.DeleteAsync($"/v1/models/{model}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ownerClient.GetAsync($"/v1/models/{model}", Ct)).StatusCode);
    }

    private static async Task WaitForMetricsAsync(HttpClient client, string jobId, int step)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var events = await JobCalls.EventsAsync(client, jobId);
            if (events.Any(e => e.GetProperty("type").GetString() == "metrics" && e.GetProperty("data").GetProperty("step").GetInt32() >= step)) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"no metrics for step {step}");
    }

    private static string WorkerOf(List<JsonElement> events) =>
        events.Select(e => e.GetProperty("message").GetString()!).First(m => m.StartsWith("Fine-tuning job started on ", StringComparison.Ordinal))["Fine-tuning job started on ".Length..];
}
