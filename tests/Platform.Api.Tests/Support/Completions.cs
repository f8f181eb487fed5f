using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Storage;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Api.Tests.Support;

/// <summary>Calls to the completion endpoints, SSE parsing, and fine-tuned models registered without running a job.</summary>
internal static class Completions
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static object Chat(string model, string user, int maxTokens = 12, bool stream = false, bool? thinking = null, object? extra = null) => new Dictionary<string, object?>
    {
        ["model"] = model, ["messages"] = new[] { new { role = "user", content = user } }, ["max_tokens"] = maxTokens,
        ["temperature"] = 0, ["stream"] = stream,
        ["chat_template_kwargs"] = thinking is null ? null : new { enable_thinking = thinking },
        ["stream_options"] = stream ? new { include_usage = true } : null,
    };

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (response, json);
    }

    /// <summary>The data payloads of an SSE body, checking that every event is one "data: " line and a blank line.</summary>
    public static List<string> Events(string body)
    {
        var lines = body.Split('\n');
        var events = new List<string>();
        for (var i = 0; i < lines.Length - 1; i += 2)
        {
            Assert.StartsWith("data: ", lines[i]);
            Assert.Equal("", lines[i + 1]);
            events.Add(lines[i]["data: ".Length..]);
        }
        Assert.Equal("", lines[^1]);
        return events;
    }

    /// <summary>A rank-<paramref name="rank"/> qwen3-tiny adapter with random B, registered as the tenant's fine-tuned model.</summary>
    public static async Task<string> RegisterAdapterModelAsync(PlatformServer server, string tenantId, int rank = 4, ulong seed = 1)
    {
        var jobId = "ftjob-" + Guid.NewGuid().ToString("N")[..12];
        var modelId = $"ft:qwen3-tiny:{tenantId}:test:{jobId}";
        var store = server.Services.GetRequiredService<IArtifactStore>();
        var relative = $"jobs/{tenantId}/{jobId}/model";
        using (var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: Ct))
        {
            var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = rank, Alpha = 2 * rank }, seed);
            using (var generator = new Generator(seed + 1000))
            using (no_grad())
                foreach (var b in adapter.Layers.Values.Select(l => l.B)) b.normal_(0, 0.5, generator);
            adapter.Save(store.Folder(relative));
        }
        var dbFactory = server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        db.FineTunedModels.Add(new FineTunedModel
        {
            Id = modelId, TenantId = tenantId, JobId = jobId, BaseModel = "qwen3-tiny", TrainType = "lora", Path = relative,
            TrainingFile = "file-test", Settings = "{}", CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        return modelId;
    }
}
