using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

/// <summary>A priced base model and a worker that offers 420 MiB: quotes, memory refusals and the micro-batch fallback.</summary>
public sealed class PricedSmallWorkerServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Models:BaseModels:0:Id"] = "qwen3-tiny";
        s["Models:BaseModels:0:Preset"] = "qwen3-tiny";
        s["Models:BaseModels:0:MaxLength"] = "512";
        s["Models:BaseModels:0:LoraLearningRate"] = "0.005";
        s["Models:BaseModels:0:PricePerMillionTrainedTokens"] = "2.50";
        s["Models:BaseModels:0:TrainTokensPerSecond"] = "1000";
        s["Worker:MemoryBytes"] = (420L << 20).ToString();
        return s;
    }
}

/// <summary>A base whose max length (24 tokens) truncates most of the sample's rows.</summary>
public sealed class ShortContextServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Models:BaseModels:0:Id"] = "qwen3-tiny";
        s["Models:BaseModels:0:Preset"] = "qwen3-tiny";
        s["Models:BaseModels:0:MaxLength"] = "24";
        s["Models:BaseModels:0:LoraLearningRate"] = "0.005";
        return s;
    }
}

public sealed class DryRunAndFeasibilityTests(PricedSmallWorkerServer server) : IClassFixture<PricedSmallWorkerServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dry_run_quotes_rows_tokens_steps_time_memory_and_price_and_creates_nothing()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var quote = await PostAsync(client, Body(file, epochs: 3, batch: 3, dryRun: true), HttpStatusCode.OK);

        Assert.Equal("fine_tuning.job.quote", quote.GetProperty("object").GetString());
        var rows = quote.GetProperty("rows");
        Assert.Equal((9, 0), (rows.GetProperty("accepted").GetInt32(), rows.GetProperty("rejected").GetInt32()));
        Assert.Equal(9, rows.GetProperty("thinking").GetInt32() + rows.GetProperty("non_thinking").GetInt32());
        var tokens = quote.GetProperty("tokens");
        Assert.InRange(tokens.GetProperty("p50").GetInt32(), 10, tokens.GetProperty("p95").GetInt32());
        Assert.InRange(tokens.GetProperty("p95").GetInt32(), 1, tokens.GetProperty("max").GetInt32());
        Assert.Equal(9, tokens.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("rows").GetInt32()));
        Assert.Equal(0, quote.GetProperty("truncation").GetProperty("rows_truncated").GetInt32());
        Assert.Equal(3 * tokens.GetProperty("total").GetInt64(), quote.GetProperty("trained_tokens").GetInt64()); // nothing truncated
        Assert.Equal(9, quote.GetProperty("steps").GetInt32());
        var estimates = quote.GetProperty("estimates");
        // The operator's 1000 tokens/s until a job on this base has run here; then the cluster's own measurement.
        var tokensPerSecond = estimates.GetProperty("tokens_per_second").GetDouble();
        Assert.Contains(estimates.GetProperty("tokens_per_second_basis").GetString()!.Split(':')[0], new[] { "measured", "the operator's estimate for this base model (no job has run on it yet)" });
        Assert.Equal(quote.GetProperty("trained_tokens").GetInt64() / tokensPerSecond, estimates.GetProperty("wall_seconds").GetDouble(), 6);
        Assert.True(estimates.GetProperty("peak_memory_bytes").GetInt64() > 200L << 20);
        Assert.True(quote.GetProperty("feasibility").GetProperty("fits").GetBoolean());
        Assert.Equal(420L << 20, quote.GetProperty("feasibility").GetProperty("worker_memory_bytes").GetInt64());
        Assert.Equal(Math.Round(2.50m * quote.GetProperty("trained_tokens").GetInt64() / 1_000_000m, 4),
            quote.GetProperty("price").GetProperty("amount").GetDecimal());
        Assert.True(quote.GetProperty("would_start").GetBoolean());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/v1/fine_tuning/jobs", Ct)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_job_that_does_not_fit_the_worker_is_refused_with_the_numbers_or_runs_with_a_smaller_micro_batch_when_asked()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        // By the memory model nine rows in one micro-batch need more than the worker's 420 MiB; three fit.
        var quote = await PostAsync(client, Body(file, epochs: 2, batch: 9, dryRun: true), HttpStatusCode.OK);
        var feasibility = quote.GetProperty("feasibility");
        Assert.False(feasibility.GetProperty("fits").GetBoolean());
        Assert.True(feasibility.GetProperty("predicted_peak_bytes").GetInt64() > 420L << 20);
        var micro = feasibility.GetProperty("suggested_micro_batch").GetInt32();
        Assert.Equal(9, micro * feasibility.GetProperty("suggested_gradient_accumulation").GetInt32());

        var refused = await PostAsync(client, Body(file, epochs: 2, batch: 9), HttpStatusCode.BadRequest);
        Assert.Equal("insufficient_memory", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("420 MiB", refused.GetProperty("error").GetProperty("message").GetString());

        var job = await PostAsync(client, Body(file, epochs: 2, batch: 9, autoAdjust: true), HttpStatusCode.OK);
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed")).GetProperty("status").GetString());
        var messages = (await JobCalls.EventsAsync(client, id)).Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains($"Micro-batch lowered to {micro} with {9 / micro} gradient accumulation steps so the run fits the worker's memory; the effective batch stays 9", messages);
    }

    internal static object Body(string file, int epochs, int batch, bool dryRun = false, bool autoAdjust = false, bool allowTruncation = false) => new
    {
        model = "qwen3-tiny", training_file = file, seed = 7, dry_run = dryRun, auto_adjust_batch = autoAdjust, allow_truncation = allowTruncation,
        method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = epochs, batch_size = batch } } },
    };

    internal static async Task<JsonElement> PostAsync(HttpClient client, object body, HttpStatusCode expected)
    {
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {json}");
        return json;
    }
}

public sealed class TruncationAdmissionTests(ShortContextServer server) : IClassFixture<ShortContextServer>
{
    [Fact]
    public async Task A_job_that_would_truncate_most_rows_refuses_to_start_unless_truncation_is_allowed()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var quote = await DryRunAndFeasibilityTests.PostAsync(client, DryRunAndFeasibilityTests.Body(file, 1, 9, dryRun: true), HttpStatusCode.OK);
        var truncation = quote.GetProperty("truncation");
        Assert.Equal(24, truncation.GetProperty("max_length").GetInt32());
        Assert.True(truncation.GetProperty("rows_truncated").GetInt32() >= 5);
        Assert.True(truncation.GetProperty("tokens_lost").GetInt64() > 0);
        Assert.Equal(quote.GetProperty("tokens").GetProperty("total").GetInt64() - truncation.GetProperty("tokens_lost").GetInt64(),
            quote.GetProperty("trained_tokens").GetInt64());
        Assert.False(quote.GetProperty("would_start").GetBoolean());

        var refused = await DryRunAndFeasibilityTests.PostAsync(client, DryRunAndFeasibilityTests.Body(file, 1, 9), HttpStatusCode.BadRequest);
        Assert.Equal("excessive_truncation", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("allow_truncation", refused.GetProperty("error").GetProperty("message").GetString());

        var allowed = await DryRunAndFeasibilityTests.PostAsync(client, DryRunAndFeasibilityTests.Body(file, 1, 9, allowTruncation: true), HttpStatusCode.OK);
        Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, allowed.GetProperty("id").GetString()!, s => s is "succeeded" or "failed"))
            .GetProperty("status").GetString());
    }
}
