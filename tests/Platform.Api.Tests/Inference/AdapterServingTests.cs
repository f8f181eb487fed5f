using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Data;
using Platform.Domain.Jobs;
using Platform.Domain.Storage;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Provenance;
using static TorchSharp.torch;

namespace Platform.Api.Tests.Inference;

/// <summary>
/// No silent failures in serving: a model whose adapter does not fit its base is refused with the reason in OpenAI's
/// error shape, streamed or not, and never answered by the base model; a job whose adapter does not fit fails instead
/// of publishing it.
/// </summary>
public sealed class AdapterServingTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_model_trained_on_other_base_weights_is_a_400_with_the_reason_streamed_or_not()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var good = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 11);
        var foreign = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 12);
        await File.WriteAllTextAsync(Path.Combine(await FolderOfAsync(foreign), BaseFingerprint.FileName),
            """{"base_weights_sha256": "feedfacefeedfacefeedface"}""", Ct);

        var (ok, _) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(good, "Who are you?"));
        var (refused, body) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(foreign, "Who are you?"));
        var streamed = await client.PostAsJsonAsync("/v1/chat/completions", Completions.Chat(foreign, "Who are you?", stream: true), Ct);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = body.GetProperty("error");
        Assert.Equal(("invalid_request_error", "adapter_invalid", "model"),
            (error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("param").GetString()));
        Assert.Contains("it was trained on base weights feedfacefeed…", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, streamed.StatusCode);
        Assert.Equal("application/json", streamed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("adapter_invalid", (await streamed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_model_whose_weights_are_not_finite_is_a_400_at_load_not_a_base_model_answer()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var model = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 13);
        Poison(await FolderOfAsync(model));

        var (refused, body) = await Completions.PostAsync(client, "/v1/completions", new { model, prompt = "Who are you?", max_tokens = 4, temperature = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("adapter_invalid", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("holds NaN or infinite values", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_job_whose_adapter_does_not_fit_its_base_fails_with_the_reasons_and_publishes_nothing()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 50, batchSize: 1)).GetProperty("id").GetString()!;
        await JobCalls.WaitForAsync(client, id, s => s == "running");
        var attempt = await AttemptAsync(id);

        // What a broken run could leave: an adapter whose config says rank 8 over rank-4 tensors.
        var store = server.Services.GetRequiredService<IArtifactStore>();
        var folder = store.Folder($"jobs/{t.TenantId}/{id}/broken");
        using (var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: Ct))
            LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj"] }).Save(folder);
        var config = Path.Combine(folder, LoraAdapter.ConfigFile);
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config, Ct)).Replace("\"r\": 4", "\"r\": 8"), Ct);
        await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IJobGrain>(id).Finish(attempt, new RunOutcome(RunOutcome.Succeeded, folder, 1));

        var job = await JobCalls.GetAsync(client, id);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal("invalid_adapter", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("lora_A is [4, 128]; rank 8 on this base needs [8, 128]", job.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("fine_tuned_model").ValueKind);
        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models", Ct);
        Assert.DoesNotContain(models.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString()!.EndsWith(id, StringComparison.Ordinal));
    }

    private async Task<string> FolderOfAsync(string modelId)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct);
        var path = await db.FineTunedModels.Where(m => m.Id == modelId).Select(m => m.Path).SingleAsync(Ct);
        return server.Services.GetRequiredService<IArtifactStore>().Folder(path);
    }

    private static void Poison(string folder)
    {
        var path = Path.Combine(folder, LoraAdapter.WeightsFile);
        Dictionary<string, Tensor> tensors;
        using (var reader = SafetensorsReader.Open(path))
            tensors = reader.Entries.Keys.ToDictionary(k => k, k => reader.Read(k));
        tensors.Last(t => t.Key.Contains("lora_B", StringComparison.Ordinal)).Value.fill_(double.PositiveInfinity);
        SafetensorsWriter.Save(path, tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

    private async Task<int> AttemptAsync(string id)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT attempt FROM fine_tuning_jobs WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(id);
        return (int)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
