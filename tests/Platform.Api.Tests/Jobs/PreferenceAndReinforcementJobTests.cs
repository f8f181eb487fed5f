using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Tenants;

namespace Platform.Api.Tests.Jobs;

/// <summary>method.type "dpo" and "reinforcement" through the real server: graders checked at creation, jobs run on the worker.</summary>
public sealed class PreferenceAndReinforcementJobTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object Grader = new
    {
        type = "multi", name = "sum",
        graders = new
        {
            acc = new { type = "accuracy", input = "{{sample.output_text}}", reference = "{{item.solution}}" },
            exact = new { type = "string_check", input = "{{sample.output_text}}", reference = "{{item.solution}}", operation = "eq" },
        },
        calculate_output = "0.5 * acc + 0.5 * exact",
    };

    [Fact]
    public async Task A_dpo_job_and_a_reinforcement_job_succeed_with_their_metrics_as_events()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var preferences = await UploadSampleAsync(client, "preferences.jsonl");
        var prompts = await UploadSampleAsync(client, "additions.jsonl");

        var dpo = await CreateAsync(client, new
        {
            model = "qwen3-tiny", training_file = preferences, seed = 7, suffix = "dpo",
            method = new { type = "dpo", dpo = new { hyperparameters = new { beta = 0.2, n_epochs = 1, batch_size = 8, learning_rate_multiplier = 10 } } },
        });
        var rft = await CreateAsync(client, new
        {
            model = "qwen3-tiny", training_file = prompts, seed = 7, suffix = "rft",
            method = new
            {
                type = "reinforcement",
                reinforcement = new
                {
                    grader = Grader,
                    hyperparameters = new { n_epochs = 1, batch_size = 5, num_generations = 4, max_completion_length = 4, beta = 0.02, epsilon = 0.3 },
                },
            },
        });
        Assert.Equal(0.2, dpo.GetProperty("method").GetProperty("dpo").GetProperty("hyperparameters").GetProperty("beta").GetDouble());
        var rftMethod = rft.GetProperty("method").GetProperty("reinforcement");
        Assert.Equal("multi", rftMethod.GetProperty("grader").GetProperty("type").GetString());
        Assert.Equal(4, rftMethod.GetProperty("hyperparameters").GetProperty("num_generations").GetInt32());

        foreach (var (job, metric) in new[] { (dpo, "rewards/margins"), (rft, "rewards/acc/mean") })
        {
            var id = job.GetProperty("id").GetString()!;
            var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(8));
            Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
            var metrics = (await JobCalls.EventsAsync(client, id)).Where(e => e.GetProperty("type").GetString() == "metrics")
                .Select(e => e.GetProperty("data")).ToList();
            Assert.NotEmpty(metrics);
            Assert.All(metrics, m => Assert.True(m.TryGetProperty(metric, out var v) && v.ValueKind == JsonValueKind.Number, m.ToString()));
            Assert.Equal(done.GetProperty("fine_tuned_model").GetString(), (await client.GetFromJsonAsync<JsonElement>($"/v1/models/{done.GetProperty("fine_tuned_model").GetString()}", Ct)).GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Bad_graders_and_mismatched_files_get_clear_400s()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var prompts = await UploadSampleAsync(client, "additions.jsonl");
        var chat = await JobCalls.UploadSampleAsync(client);

        async Task<JsonElement> Refused(object grader, string? file = null)
        {
            var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", new
            {
                model = "qwen3-tiny", training_file = file ?? prompts,
                method = new { type = "reinforcement", reinforcement = new { grader } },
            }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await ApiKeyTests.ErrorOf(response);
        }

        var badOperation = await Refused(new { type = "string_check", input = "{{sample.output_text}}", reference = "{{item.solution}}", operation = "contains" });
        var badFormula = await Refused(new
        {
            type = "multi", graders = new { acc = new { type = "accuracy", input = "{{sample.output_text}}", reference = "{{item.solution}}" } },
            calculate_output = "acc + fmt",
        });
        var missingField = await Refused(new { type = "accuracy", input = "{{sample.output_text}}", reference = "{{item.answer}}" });
        var chatFile = await Refused(Grader, chat);

        Assert.Equal(("invalid_grader", "method.reinforcement.grader.operation"), (Code(badOperation), Param(badOperation)));
        Assert.Contains("'contains' is not one of eq, ne, like, ilike", badOperation.GetProperty("message").GetString());
        Assert.Equal("method.reinforcement.grader.calculate_output", Param(badFormula));
        Assert.Contains("'fmt' is neither a grader", badFormula.GetProperty("message").GetString());
        Assert.Equal("invalid_grader", Code(missingField));
        Assert.Contains("item.answer", missingField.GetProperty("message").GetString());
        Assert.Equal(("invalid_file", "training_file"), (Code(chatFile), Param(chatFile)));
    }

    private static string? Code(JsonElement error) => error.GetProperty("code").GetString();

    private static string? Param(JsonElement error) => error.GetProperty("param").GetString();

    private static async Task<string> UploadSampleAsync(HttpClient client, string name) =>
        (await Uploads.UploadAsync(client, name, await File.ReadAllTextAsync(Path.Combine(SelfCognition.RepoRoot(), "docs", "samples", name), Ct)))
            .GetProperty("id").GetString()!;

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json;
    }
}
