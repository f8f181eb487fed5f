using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>Small helpers over /v1/fine_tuning/jobs for lifecycle tests.</summary>
internal static class JobCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The sample self-cognition set uploaded for the tenant; returns the file id.</summary>
    public static async Task<string> UploadSampleAsync(HttpClient client) =>
        (await Uploads.UploadAsync(client, "self-cognition.jsonl", await File.ReadAllTextAsync(SelfCognition.DatasetPath, Ct)))
            .GetProperty("id").GetString()!;

    public static async Task<JsonElement> CreateAsync(HttpClient client, string fileId, int epochs, int batchSize, string model = "qwen3-tiny")
    {
        var request = new
        {
            model, training_file = fileId, seed = 7,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = epochs, batch_size = batchSize } } },
        };
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", request, Ct);
        // As OpenAI's SDKs do: a 503 (a cluster member just left) is retried after its Retry-After.
        for (var retry = 0; response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && retry < 20; retry++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", request, Ct);
        }
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string jobId) =>
        await client.GetFromJsonAsync<JsonElement>($"/v1/fine_tuning/jobs/{jobId}", Ct);

    public static async Task<JsonElement> PostAsync(HttpClient client, string jobId, string action)
    {
        var response = await client.PostAsync($"/v1/fine_tuning/jobs/{jobId}/{action}", null, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    /// <summary>Polls until the job's status satisfies <paramref name="done"/>, or fails the test after the timeout.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient client, string jobId, Func<string, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var job = await GetAsync(client, jobId);
            var status = job.GetProperty("status").GetString()!;
            if (done(status)) return job;
            if (DateTime.UtcNow > deadline) Assert.Fail($"job {jobId} still {status} after the timeout");
            await Task.Delay(200, Ct);
        }
    }

    public static async Task<List<JsonElement>> EventsAsync(HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/v1/fine_tuning/jobs/{jobId}/events?limit=1000", Ct))
            .GetProperty("data").EnumerateArray().Reverse().ToList();

    public static async Task<List<JsonElement>> CheckpointsAsync(HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/v1/fine_tuning/jobs/{jobId}/checkpoints?limit=100", Ct))
            .GetProperty("data").EnumerateArray().ToList();
}
