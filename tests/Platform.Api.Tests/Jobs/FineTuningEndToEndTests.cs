using System.ClientModel;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Files;
using OpenAI.FineTuning;
using Platform.Api.Tests.Support;

#pragma warning disable OPENAI001 // the SDK marks its fine-tuning client experimental; it is the client customers use

namespace Platform.Api.Tests.Jobs;

/// <summary>
/// What a customer does with OpenAI's fine-tuning API, through the official SDK, against the real server: one process
/// (the default), and a cluster of an API silo and two worker processes on RabbitMQ. The test body is the same.
/// </summary>
public abstract class FineTuningEndToEndTests(PlatformServer server)
{
    [Fact]
    public async Task Upload_fine_tune_and_the_adapter_answers_the_self_cognition_prompts()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await server.NewTenantAsync();
        var endpoint = new Uri(server.BaseAddress, "/v1");
        var files = new OpenAIFileClient(new ApiKeyCredential(t.Key), new OpenAIClientOptions { Endpoint = endpoint });
        var tuning = new FineTuningClient(new ApiKeyCredential(t.Key), new FineTuningClientOptions { Endpoint = endpoint });

        OpenAIFile file = await files.UploadFileAsync(SelfCognition.DatasetPath, FileUploadPurpose.FineTune);
        var job = await tuning.FineTuneAsync("qwen3-tiny", file.Id, waitUntilCompleted: false,
            new FineTuningOptions
            {
                Suffix = "aster", Seed = 7,
                TrainingMethod = FineTuningTrainingMethod.CreateSupervised(
                    HyperparameterBatchSize.CreateSize(9), HyperparameterEpochCount.CreateEpochCount(30), HyperparameterLearningRate.CreateMultiplier(1)),
            }, ct);
        Assert.StartsWith("ftjob-", job.JobId);

        var deadline = DateTime.UtcNow.AddMinutes(8);
        while (job.Status.InProgress && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, ct);
            await job.UpdateStatusAsync(ct);
        }
        Assert.Equal(FineTuningStatus.Succeeded, job.Status);

        var events = new List<FineTuningEvent>();
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 100 }, ct)) events.Add(e);
        var losses = events.Where(e => e.Data is not null && e.Data.ToString().Contains("train_loss"))
            .Select(e => JsonDocument.Parse(e.Data.ToString()).RootElement)
            .OrderBy(d => d.GetProperty("step").GetInt32())
            .Select(d => d.GetProperty("train_loss").GetDouble()).ToList();
        Assert.True(losses.Count >= 3, $"expected per-step metrics events, got {losses.Count}");
        Assert.True(losses[^1] < losses[0] / 4, $"loss should fall: first {losses[0]}, last {losses[^1]}");

        var checkpoints = new List<FineTuningCheckpoint>();
        await foreach (var c in job.GetCheckpointsAsync(new GetCheckpointsOptions(), ct)) checkpoints.Add(c);
        Assert.NotEmpty(checkpoints);
        Assert.All(checkpoints, c => Assert.StartsWith("ft:qwen3-tiny:", c.ModelId));

        using var http = server.Client(t.Key);
        var modelName = (await http.GetFromJsonAsync<JsonElement>($"/v1/fine_tuning/jobs/{job.JobId}", ct)).GetProperty("fine_tuned_model").GetString()!;
        Assert.Equal($"ft:qwen3-tiny:{t.TenantId}:aster:{job.JobId}", modelName);
        var models = await http.GetFromJsonAsync<JsonElement>("/v1/models", ct);
        Assert.Contains(models.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == modelName);

        var folder = Directory.CreateTempSubdirectory("adapter-").FullName;
        await using (var archive = await http.GetStreamAsync($"/v1/models/{modelName}/adapter", ct))
        await using (var gzip = new GZipStream(archive, CompressionMode.Decompress))
            await TarFile.ExtractToDirectoryAsync(gzip, folder, overwriteFiles: false, ct);
        Assert.True(File.Exists(Path.Combine(folder, "adapter_config.json")));

        var pairs = SelfCognition.Pairs();
        var answers = SelfCognition.Answer(folder, pairs.Select(p => p.Prompt));
        Assert.Equal(pairs.Select(p => p.Answer), answers);

        // Published: the same model answers through the shared inference pool, via the SDK's chat client, plain and streaming.
        var chat = new ChatClient(modelName, new ApiKeyCredential(t.Key), new OpenAIClientOptions { Endpoint = endpoint });
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 };
        foreach (var (prompt, answer) in pairs.Take(3))
        {
            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage(prompt)], options, ct);
            Assert.Equal(answer, completion.Content[0].Text.Trim());
            Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
            var streamed = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(prompt)], options, ct))
                foreach (var part in update.ContentUpdate) streamed.Append(part.Text);
            Assert.Equal(answer, streamed.ToString().Trim());
        }
    }
}

public sealed class OneProcessFineTuningEndToEndTests(PlatformServer server) : FineTuningEndToEndTests(server), IClassFixture<PlatformServer>;

public sealed class ClusterFineTuningEndToEndTests(TwoWorkerClusterServer server) : FineTuningEndToEndTests(server), IClassFixture<TwoWorkerClusterServer>;

/// <summary>
/// `--roles api,inference` here (the test also calls the tuned model), two `--roles worker` processes, RabbitMQ,
/// ADO.NET clustering.
/// </summary>
public sealed class TwoWorkerClusterServer : Platform.Api.Tests.Distributed.ClusterServer
{
    protected override int InitialWorkers => 2;

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Roles"] = "api,inference";
        return s;
    }
}
