using Platform.Inference.Engine;

namespace Platform.Inference.Tests;

public sealed class EngineBehaviourTests
{
    private static readonly int[] Story = TestEngines.Prompt("Tell me a long story about a cat and a dog.");

    [Fact]
    public async Task A_stop_string_ends_the_text_just_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create();
        var full = await TestEngines.RunAsync(engine, TestEngines.Greedy(Story, maxTokens: 20), ct);
        var stop = full.Text.Substring(full.Text.Length / 2, 3);
        var request = TestEngines.Greedy(Story, maxTokens: 20);

        var stopped = await TestEngines.RunAsync(engine, request with { Sampling = request.Sampling with { Stop = [stop] } }, ct);

        Assert.Equal(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)], stopped.Text);
        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal(FinishReason.Length, full.Finish);
    }

    [Fact]
    public async Task A_seeded_sample_is_the_same_alone_and_in_a_batch_and_seeds_differ()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create();
        InferenceRequest Sampled(ulong seed) => TestEngines.Greedy(Story, maxTokens: 16) with
        {
            Sampling = new SamplingParams { Temperature = 1.5, TopP = 0.95, TopK = 500, Seed = seed, MaxTokens = 16 },
        };

        var alone = await TestEngines.RunAsync(engine, Sampled(1), ct);
        var batch = await Task.WhenAll(new ulong[] { 1, 2, 3 }.Select(s => TestEngines.RunAsync(engine, Sampled(s), ct)));

        Assert.Equal(alone.Tokens, batch[0].Tokens);
        Assert.NotEqual(batch[1].Tokens, batch[2].Tokens);
    }

    [Fact]
    public async Task Logprobs_are_those_of_the_chosen_token_and_greedy_picks_the_best()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create();
        var request = TestEngines.Greedy(Story, maxTokens: 4);

        var result = await TestEngines.RunAsync(engine, request with { Sampling = request.Sampling with { Logprobs = true, TopLogprobs = 3 } }, ct);

        Assert.All(result.Chunks, c =>
        {
            Assert.Equal(c.TokenId, c.Logprob!.TokenId);
            Assert.True(c.Logprob.Logprob <= 0);
            Assert.Equal(3, c.Logprob.Top.Count);
            Assert.Equal(c.TokenId, c.Logprob.Top[0].TokenId);
        });
    }

    [Fact]
    public async Task A_request_larger_than_the_whole_cache_is_refused_and_a_full_cache_makes_others_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        // 4 layers × 2 kv heads × 32 dims × 2 (k, v) × 4 bytes = 2 KiB per token: 64 KiB is 32 tokens, two 16-token pages
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 64 * 1024, PageSize = 16 });
        var prompt = TestEngines.Prompt("Hi");

        var refused = Assert.Throws<InferenceRefusedException>(() => engine.Submit(TestEngines.Greedy(prompt, maxTokens: 40), ct));
        Assert.False(refused.Overloaded);
        Assert.Contains("KV cache", refused.Message);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestEngines.RunAsync(engine, TestEngines.Greedy(prompt, maxTokens: 32 - prompt.Length - 8), ct)));
        Assert.All(results, r => Assert.Equal(results[0].Tokens, r.Tokens));
        Assert.Equal(engine.Stats.TotalPages, engine.Stats.FreePages);
    }

    [Fact]
    public async Task Cancelling_a_running_request_frees_its_pages_at_the_next_step()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create();
        using var client = new CancellationTokenSource();
        var reader = engine.Submit(TestEngines.Greedy(Story, maxTokens: 500), client.Token);
        Assert.True(await reader.WaitToReadAsync(ct));
        Assert.Equal(1, engine.Stats.Running);

        client.Cancel();

        await TestEngines.WaitUntilAsync(() => engine.Stats is { Running: 0 } s && s.FreePages == s.TotalPages, TimeSpan.FromSeconds(2), "the pages to come back");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { await foreach (var _ in reader.ReadAllAsync(ct)) { } });
    }

    [Fact]
    public async Task Long_prompts_are_prefilled_in_chunks_with_the_same_result()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = TestEngines.Prompt(string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 6)));
        using var whole = TestEngines.Create();
        using var chunked = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, PrefillChunk = 7, MaxBatchTokens = 9 });

        var expected = await TestEngines.RunAsync(whole, TestEngines.Greedy(prompt), ct);
        var actual = await TestEngines.RunAsync(chunked, TestEngines.Greedy(prompt), ct);

        Assert.True(prompt.Length > 50);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.True(chunked.Stats.Steps > prompt.Length / 7);
    }
}
