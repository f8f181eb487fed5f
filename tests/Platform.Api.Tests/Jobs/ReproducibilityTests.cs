using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

/// <summary>The checkpoint manifest (our extension) records what a result depends on, and re-running it reproduces it.</summary>
public sealed class ReproducibilityTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_rerun_from_a_checkpoint_manifest_reproduces_its_metrics_and_adapter_bit_for_bit()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var first = (await JobCalls.CreateAsync(client, file, epochs: 2, batchSize: 3)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, first, s => s is "succeeded" or "failed")).GetProperty("status").GetString());
        var checkpoints = await JobCalls.CheckpointsAsync(client, first);
        var last = checkpoints.MaxBy(c => c.GetProperty("step_number").GetInt32());

        var manifest = await client.GetFromJsonAsync<JsonElement>(
            $"/v1/fine_tuning/jobs/{first}/checkpoints/{last.GetProperty("id").GetString()}/manifest", Ct);
        Assert.Equal("fine_tuning.job.checkpoint.manifest", manifest.GetProperty("object").GetString());
        Assert.Equal(6, manifest.GetProperty("step_number").GetInt32());
        Assert.Equal(7, manifest.GetProperty("seed").GetInt64());
        var sampleSha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(SelfCognition.DatasetPath, Ct)));
        Assert.Equal(sampleSha, manifest.GetProperty("training_file").GetProperty("sha256").GetString());
        Assert.Matches("^[0-9a-f]{64}$", manifest.GetProperty("base_model").GetProperty("weights_sha256").GetString());
        Assert.Matches("^[0-9a-f]{64}$", manifest.GetProperty("tokenizer_sha256").GetString());
        Assert.Matches("^[0-9a-f]{64}$", manifest.GetProperty("chat_template_sha256").GetString());
        Assert.Equal("cpu", manifest.GetProperty("device").GetString());
        Assert.False(string.IsNullOrEmpty(manifest.GetProperty("code_version").GetString()));
        var hp = manifest.GetProperty("hyperparameters");
        Assert.Equal((2, 3, "lora"), (hp.GetProperty("n_epochs").GetInt32(), hp.GetProperty("batch_size").GetInt32(), hp.GetProperty("train_type").GetString()));
        Assert.True(hp.GetProperty("learning_rate").GetDouble() > 0); // "auto" resolved

        var rerun = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", manifest.GetProperty("request"), Ct);
        var second = (await rerun.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, second, s => s is "succeeded" or "failed")).GetProperty("status").GetString());

        Assert.Equal(Deterministic(checkpoints), Deterministic(await JobCalls.CheckpointsAsync(client, second)));
        var again = await client.GetFromJsonAsync<JsonElement>($"/v1/fine_tuning/jobs/{second}/checkpoints/" +
            (await JobCalls.CheckpointsAsync(client, second)).MaxBy(c => c.GetProperty("step_number").GetInt32()).GetProperty("id").GetString() + "/manifest", Ct);
        foreach (var key in (string[])["tokenizer_sha256", "chat_template_sha256", "hyperparameters", "seed", "training_file"])
            Assert.Equal(manifest.GetProperty(key).GetRawText(), again.GetProperty(key).GetRawText());
        Assert.Equal(manifest.GetProperty("base_model").GetRawText(), again.GetProperty("base_model").GetRawText());
        AdapterAssert.Identical(await AdapterAsync(client, first), await AdapterAsync(client, second));

        // Another tenant cannot read it.
        var other = await server.NewTenantAsync();
        using var stranger = server.Client(other.Key);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await stranger.GetAsync(
            $"/v1/fine_tuning/jobs/{first}/checkpoints/{last.GetProperty("id").GetString()}/manifest", Ct)).StatusCode);
    }

    /// <summary>Per checkpoint, the metrics that do not depend on timing (all but tokens/s), as exact text.</summary>
    private static List<string> Deterministic(List<JsonElement> checkpoints) => checkpoints
        .OrderBy(c => c.GetProperty("step_number").GetInt32())
        .Select(c => string.Join(",", c.GetProperty("metrics").EnumerateObject().Where(p => p.Name != "tokens_per_second").Select(p => $"{p.Name}={p.Value.GetRawText()}")))
        .ToList();

    private async Task<string> AdapterAsync(HttpClient client, string jobId)
    {
        var name = (await JobCalls.GetAsync(client, jobId)).GetProperty("fine_tuned_model").GetString()!;
        var folder = Directory.CreateTempSubdirectory("adapter-").FullName;
        await using (var archive = await client.GetStreamAsync($"/v1/models/{name}/adapter", Ct))
        await using (var gzip = new System.IO.Compression.GZipStream(archive, System.IO.Compression.CompressionMode.Decompress))
            await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(gzip, folder, overwriteFiles: false, Ct);
        return Path.Combine(folder, "adapter_model.safetensors");
    }
}
