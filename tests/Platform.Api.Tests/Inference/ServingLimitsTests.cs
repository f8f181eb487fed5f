using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Inference;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Inference;

/// <summary>Small serving limits and two decoding rows, so limits and fairness show in a test.</summary>
public sealed class LimitedServingServer : PlatformServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Serving:RequestsPerMinute"] = "12";
        s["Serving:TokensPerMinute"] = "4000";
        s["Serving:MaxConcurrentRequests"] = "8";
        s["Serving:BlockedPhrases:0"] = "BIPARTISAN";  // qwen3-tiny's greedy continuation of "Once upon a time" has it
        s["Inference:MaxRunning"] = "2";
        return s;
    }
}

public sealed class ServingLimitsTests(LimitedServingServer server) : IClassFixture<LimitedServingServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_per_minute_over_the_limit_get_429_with_retry_after_and_other_tenants_are_served()
    {
        var busy = await server.NewTenantAsync();
        var quiet = await server.NewTenantAsync();
        using var client = server.Client(busy.Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 13 && limited is null; i++)
        {
            var (response, _) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 1));
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var other = server.Client(quiet.Key);
        Assert.Equal(HttpStatusCode.OK, (await Completions.PostAsync(other, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 1))).Response.StatusCode);
    }

    [Fact]
    public async Task Tokens_per_minute_count_max_tokens_up_front()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);

        var (response, body) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", maxTokens: 5000));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("tokens per minute", body.GetProperty("error").GetProperty("message").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Concurrent_requests_over_the_limit_get_429()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);

        var calls = Enumerable.Range(0, 10).Select(_ => Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 30))).ToList();
        var responses = await Task.WhenAll(calls);

        Assert.Contains(responses, r => r.Response.StatusCode == HttpStatusCode.TooManyRequests
            && r.Body.GetProperty("error").GetProperty("message").GetString()!.Contains("concurrent"));
        Assert.Contains(responses, r => r.Response.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_flooding_tenant_does_not_keep_another_tenants_request_waiting_behind_its_queue()
    {
        var flooder = await server.NewTenantAsync();
        var single = await server.NewTenantAsync();
        using var flood = server.Client(flooder.Key);
        using var one = server.Client(single.Key);
        await Completions.PostAsync(one, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 1));   // engine loaded

        var finished = 0;
        var floodCalls = Enumerable.Range(0, 8).Select(async _ =>
        {
            var r = await Completions.PostAsync(flood, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Tell me a story.", 200));
            Interlocked.Increment(ref finished);
            return r;
        }).ToList();
        var engine = server.Services.GetRequiredService<InferencePool>().Loaded("qwen3-tiny")!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.Stats is not { Running: 2, Waiting: 6 })  // the whole flood is in, two rows decoding
        {
            Assert.True(DateTime.UtcNow < deadline, $"the flood never filled the engine: {engine.Stats}");
            await Task.Delay(5, Ct);
        }
        var clock = Stopwatch.StartNew();
        var (response, _) = await Completions.PostAsync(one, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 5));
        var floodDoneBefore = Volatile.Read(ref finished);
        await Task.WhenAll(floodCalls);

        // Bound: with 2 decoding rows, the single request takes the first row that frees up, so it ends before the
        // flood's third request does; in arrival order it would wait for six of the flood's requests to be admitted.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(floodDoneBefore <= 2, $"{floodDoneBefore} flood requests finished first (in {clock.ElapsedMilliseconds} ms)");
    }

    [Fact]
    public async Task The_blocked_phrases_filter_withholds_a_completion_that_contains_one()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var request = new { model = "qwen3-tiny", prompt = "Once upon a time", max_tokens = 8, temperature = 0 };

        var (_, blocked) = await Completions.PostAsync(client, "/v1/completions", request);
        var (_, allowed) = await Completions.PostAsync(client, "/v1/completions", request with { prompt = "Hello" });

        Assert.Equal("content_filter", blocked.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("", blocked.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("length", allowed.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }
}
