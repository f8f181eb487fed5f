using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

/// <summary>
/// No silent GRPO failure: completions cut at the length limit, rewards that stay equal step after step and graders that
/// fail are warn events and metrics; with fail_on_warnings the first degenerate step fails the job with the reason.
/// Also evaluation of a reinforcement job on its validation file, with early stopping on valid_reward.
/// </summary>
public sealed class GrpoWarningTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Completions_cut_at_the_length_limit_fail_a_job_set_to_fail_on_warnings_with_the_reason()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var prompts = await UploadAdditionsAsync(client);

        var id = await CreateAsync(client, prompts, null, new
        {
            type = "accuracy", input = "{{sample.output_text}}", reference = "{{item.solution}}",
        }, new { n_epochs = 1, batch_size = 5, num_generations = 2, max_completion_length = 1, fail_on_warnings = true });

        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(5));
        Assert.Equal("failed", done.GetProperty("status").GetString());
        var error = done.GetProperty("error");
        Assert.Equal("training_degenerate", error.GetProperty("code").GetString());
        Assert.StartsWith("Training stopped at step 1: 10 of 10 completions hit the length limit (1 tokens).", error.GetProperty("message").GetString());
        var events = await JobCalls.EventsAsync(client, id);
        Assert.Contains(events, e => e.GetProperty("level").GetString() == "warn"
                                     && e.GetProperty("message").GetString() == "Step 1: 10 of 10 completions hit the length limit (1 tokens)");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "metrics" && e.GetProperty("data").GetProperty("step").GetInt32() == 1);
    }

    [Fact]
    public async Task Equal_rewards_for_k_steps_and_grader_errors_are_warned_counted_and_early_stopping_ends_the_job_succeeded()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var prompts = await UploadAdditionsAsync(client);
        var grader = new
        {
            type = "multi", calculate_output = "acc + never",
            graders = new
            {
                // A reference with no number: every sample is a grader error, scored 0.
                acc = new { type = "accuracy", input = "{{sample.output_text}}", reference = "no number here" },
                never = new { type = "string_check", input = "{{sample.output_text}}", reference = "{{item.solution}} and more", operation = "eq" },
            },
        };

        var id = await CreateAsync(client, prompts, prompts, grader, new
        {
            n_epochs = 1, batch_size = 5, num_generations = 2, max_completion_length = 3, flat_reward_steps = 2,
            eval_steps = 1, early_stopping = new { metric = "valid_reward", patience = 2 },
        });

        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(6));
        Assert.True(done.GetProperty("status").GetString() == "succeeded", done.ToString());
        var events = await JobCalls.EventsAsync(client, id);
        var warnings = events.Where(e => e.GetProperty("level").GetString() == "warn").Select(e => e.GetProperty("message").GetString()!).ToList();
        var metrics = events.Where(e => e.GetProperty("type").GetString() == "metrics").Select(e => e.GetProperty("data")).ToList();

        Assert.DoesNotContain(warnings, w => w.StartsWith("Step 1: every reward", StringComparison.Ordinal));
        Assert.Contains("Step 2: every reward was 0 for 2 steps in a row (steps 1–2): no advantage, nothing learned", warnings);
        Assert.Contains("Step 1: grader 'acc' failed on 10 of 10 completions (scored 0): the reference holds no number", warnings);
        Assert.All(metrics, m => Assert.Equal(10, m.GetProperty("grader_errors/acc").GetDouble()));
        // Validation reward every step, constant at 0: the first evaluation is the best, two more end the job.
        Assert.Equal([1, 2, 3], metrics.Select(m => m.GetProperty("step").GetInt32()));
        Assert.All(metrics, m => Assert.Equal((0.0, 25.0), (m.GetProperty("valid_reward").GetDouble(), m.GetProperty("valid_grader_errors/acc").GetDouble())));
        Assert.Contains(events, e => e.GetProperty("message").GetString()!.StartsWith(
            "Early stopping at step 3: valid_reward did not improve by more than 0 for 2 evaluations; the best checkpoint (step 1", StringComparison.Ordinal));
    }

    private static async Task<string> UploadAdditionsAsync(HttpClient client) =>
        (await Uploads.UploadAsync(client, "additions.jsonl", await File.ReadAllTextAsync(Path.Combine(SelfCognition.RepoRoot(), "docs", "samples", "additions.jsonl"), Ct)))
            .GetProperty("id").GetString()!;

    private static async Task<string> CreateAsync(HttpClient client, string training, string? validation, object grader, object hyperparameters)
    {
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", new
        {
            model = "qwen3-tiny", training_file = training, validation_file = validation, seed = 3,
            method = new { type = "reinforcement", reinforcement = new { grader, hyperparameters } },
        }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetString()!;
    }
}
