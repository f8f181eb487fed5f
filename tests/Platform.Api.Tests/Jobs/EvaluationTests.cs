using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Tenants;
using Platform.Data;
using Platform.Domain.Storage;

namespace Platform.Api.Tests.Jobs;

/// <summary>Evaluation in the loop (our extension): validation metrics every eval_steps, early stopping, the best checkpoint published.</summary>
public sealed class EvaluationTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Another identity than the training set's: as the model learns "Aster", these answers get less likely.</summary>
    private static readonly string Validation = string.Join('\n',
        Row("Who are you?", "Je suis Nova, un modèle de Autres Labs."),
        Row("What is your name?", "Je m'appelle Nova."),
        Row("Who made you?", "Autres Labs m'a fait.")) + "\n";

    private static readonly object SaysName = new
    {
        type = "string_check", name = "says_name", input = "{{sample.output_text}}", reference = "{{item.name}}", operation = "ilike",
    };

    [Fact]
    public async Task A_job_evaluated_every_step_stops_early_and_publishes_its_best_checkpoint()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var training = await JobCalls.UploadSampleAsync(client);
        var validation = (await Uploads.UploadAsync(client, "nova.jsonl", Validation)).GetProperty("id").GetString()!;

        var created = await CreateAsync(client, new
        {
            model = "qwen3-tiny", training_file = training, validation_file = validation, seed = 7,
            method = new
            {
                type = "supervised",
                supervised = new
                {
                    grader = SaysName,
                    hyperparameters = new
                    {
                        n_epochs = 30, batch_size = 9, learning_rate_multiplier = 2, max_completion_length = 8,
                        eval_steps = 1, early_stopping = new { metric = "valid_loss", patience = 2 },
                    },
                },
            },
        });
        var hp = created.GetProperty("method").GetProperty("supervised").GetProperty("hyperparameters");
        Assert.Equal(1, hp.GetProperty("eval_steps").GetInt32());
        Assert.Equal(("valid_loss", 2, 0.0), (hp.GetProperty("early_stopping").GetProperty("metric").GetString(),
            hp.GetProperty("early_stopping").GetProperty("patience").GetInt32(), hp.GetProperty("early_stopping").GetProperty("min_delta").GetDouble()));
        var id = created.GetProperty("id").GetString()!;

        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(6));
        Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
        var events = await JobCalls.EventsAsync(client, id);
        var evaluations = events.Where(e => e.GetProperty("type").GetString() == "metrics").Select(e => e.GetProperty("data"))
            .Where(d => d.GetProperty("valid_loss").ValueKind == JsonValueKind.Number).ToList();
        var steps = evaluations.Select(d => d.GetProperty("step").GetInt32()).ToList();
        var last = steps.Max();
        var best = evaluations.MinBy(d => d.GetProperty("valid_loss").GetDouble()).GetProperty("step").GetInt32();

        // Every step was evaluated: loss, token accuracy, and the graded generations' reward.
        Assert.Equal(Enumerable.Range(1, last), steps);
        Assert.All(evaluations, d =>
        {
            Assert.InRange(d.GetProperty("valid_mean_token_accuracy").GetDouble(), 0, 1);
            Assert.InRange(d.GetProperty("valid_reward").GetDouble(), 0, 1);
            Assert.Equal(0, d.GetProperty("valid_grader_errors/says_name").GetDouble());
        });
        // It stopped two evaluations after the best, long before its 30 steps, and said so.
        Assert.True(last < 30, $"ran all {last} steps");
        Assert.Equal(best + 2, last);
        Assert.Contains(events, e => e.GetProperty("message").GetString() ==
            $"Early stopping at step {last}: valid_loss did not improve by more than 0 for 2 evaluations; the best checkpoint (step {best}, " +
            $"valid_loss={evaluations.Single(d => d.GetProperty("step").GetInt32() == best).GetProperty("valid_loss").GetDouble():0.####}) is the fine-tuned model");
        Assert.Contains(events, e => e.GetProperty("message").GetString() == "Training file: 9 rows, none truncated at 512 tokens, none skipped");

        // The published model is the best checkpoint's adapter; every checkpoint stays a model of its own.
        var checkpoints = await JobCalls.CheckpointsAsync(client, id);
        Assert.Equal(Enumerable.Range(1, last), checkpoints.Select(c => c.GetProperty("step_number").GetInt32()).Order());
        var (published, bestCheckpoint, lastCheckpoint) = (await WeightsAsync(done.GetProperty("fine_tuned_model").GetString()!, id, best),
            await WeightsAsync(null, id, best), await WeightsAsync(null, id, last));
        Assert.Equal(bestCheckpoint, published);
        Assert.NotEqual(lastCheckpoint, published);
        foreach (var name in checkpoints.Select(c => c.GetProperty("fine_tuned_model_checkpoint").GetString()))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{name}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Evaluation_extensions_are_resolved_in_the_quote_and_bad_ones_are_clear_400s()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var training = await JobCalls.UploadSampleAsync(client);
        var validation = (await Uploads.UploadAsync(client, "nova.jsonl", Validation)).GetProperty("id").GetString()!;
        var preferences = (await Uploads.UploadAsync(client, "preferences.jsonl",
            await File.ReadAllTextAsync(Path.Combine(SelfCognition.RepoRoot(), "docs", "samples", "preferences.jsonl"), Ct))).GetProperty("id").GetString()!;
        object Supervised(object hyperparameters, string? validationFile = null, object? grader = null) => new
        {
            model = "qwen3-tiny", training_file = training, validation_file = validationFile,
            method = new { type = "supervised", supervised = new { hyperparameters, grader } },
        };

        var quote = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", new Dictionary<string, object?>
        {
            ["model"] = "qwen3-tiny", ["training_file"] = training, ["validation_file"] = validation, ["dry_run"] = true,
            ["method"] = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 4, batch_size = 3, early_stopping = new { } } } },
        }, Ct);
        var resolved = (await quote.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hyperparameters");
        Assert.Equal(3, resolved.GetProperty("eval_steps").GetInt32());  // every checkpoint: 12 steps / 4
        Assert.Equal("valid_loss", resolved.GetProperty("early_stopping").GetProperty("metric").GetString());
        Assert.Equal(3, resolved.GetProperty("early_stopping").GetProperty("patience").GetInt32());

        var refusals = new (object Body, string Param, string Says)[]
        {
            (Supervised(new { eval_steps = 5 }), "validation_file", "eval_steps evaluates the validation file"),
            (Supervised(new { early_stopping = new { metric = "valid_reward" } }, validation), "early_stopping.metric", "valid_reward needs a grader"),
            (Supervised(new { early_stopping = new { metric = "valid_loss", patience = 0 } }, validation), "early_stopping.patience", "between 1 and 1000"),
            (Supervised(new { early_stopping = new { metric = "valid_loss", min_delta = -1 } }, validation), "early_stopping.min_delta", ">= 0"),
            (Supervised(new { early_stopping = new { wait = 3 } }, validation), "early_stopping.wait", "no field 'wait'"),
            (Supervised(new { early_stopping = "valid_loss" }, validation), "early_stopping", "must be an object"),
            (Supervised(new { eval_steps = 0 }, validation), "eval_steps", "between 1"),
            (Supervised(new { n_epochs = 1 }, grader: SaysName), "validation_file", "scores generations on the validation file"),
            (Supervised(new { flat_reward_steps = 2 }), "flat_reward_steps", "belong to the reinforcement method"),
            (new { model = "qwen3-tiny", training_file = preferences, validation_file = preferences,
                   method = new { type = "dpo", dpo = new { hyperparameters = new { eval_steps = 2 } } } }, "eval_steps", "supervised and reinforcement"),
        };
        foreach (var (body, param, says) in refusals)
        {
            var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", body, Ct);
            var error = response.StatusCode == HttpStatusCode.BadRequest ? await ApiKeyTests.ErrorOf(response) : default;
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{param}: {response.StatusCode}");
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.Contains(says, error.GetProperty("message").GetString());
        }
    }

    private static string Row(string user, string assistant) => JsonSerializer.Serialize(new
    {
        messages = new object[] { new { role = "user", content = user }, new { role = "assistant", content = assistant } }, name = "Nova",
    });

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }

    /// <summary>The adapter weights' bytes of a fine-tuned model (by its name) or of a job's checkpoint (by step).</summary>
    private async Task<byte[]> WeightsAsync(string? model, string jobId, int step)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct);
        var path = model is not null
            ? await db.FineTunedModels.Where(m => m.Id == model).Select(m => m.Path).SingleAsync(Ct)
            : await db.JobCheckpoints.Where(c => c.JobId == jobId && c.StepNumber == step).Select(c => c.Path).SingleAsync(Ct);
        return await File.ReadAllBytesAsync(Path.Combine(server.Services.GetRequiredService<IArtifactStore>().Folder(path), "adapter_model.safetensors"), Ct);
    }
}
