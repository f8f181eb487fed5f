using Platform.Inference.Lora;

namespace Platform.Inference.Tests;

public sealed class AdapterResidencyTests
{
    private static readonly int[] Prompt = TestEngines.Prompt("Who are you?");

    [Fact]
    public async Task An_evicted_adapter_is_reloaded_transparently_with_the_same_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxResidentAdapters = 2, MaxLoraRank = 8 });
        var adapters = new[] { 1, 2, 3 }.Select(i => TestEngines.Adapter($"a{i}", rank: 4, alpha: 8, seed: (ulong)i)).ToArray();

        var first = await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, adapters[0]), ct);
        await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, adapters[1]), ct);
        await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, adapters[2]), ct);
        Assert.DoesNotContain("a1", engine.Stats.ResidentAdapters);
        Assert.Equal(2, engine.Stats.ResidentAdapters.Count);

        var again = await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, adapters[0]), ct);

        Assert.Equal(first.Tokens, again.Tokens);
        Assert.Contains("a1", engine.Stats.ResidentAdapters);
    }

    [Fact]
    public async Task Preloading_makes_an_adapter_resident_and_unloading_drops_it()
    {
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxLoraRank = 8 });
        var adapter = TestEngines.Adapter("pre", rank: 8, alpha: 8, seed: 9);

        engine.Preload(adapter);
        await TestEngines.WaitUntilAsync(() => engine.Stats.ResidentAdapters.Contains("pre"), TimeSpan.FromSeconds(10), "the preload");
        engine.Unload("pre");
        await TestEngines.WaitUntilAsync(() => !engine.Stats.ResidentAdapters.Contains("pre"), TimeSpan.FromSeconds(2), "the unload");
    }

    [Fact]
    public async Task An_adapter_that_cannot_load_fails_its_request_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxLoraRank = 4 });
        var tooLarge = TestEngines.Adapter("big", rank: 8, alpha: 8, seed: 5);

        var error = await Assert.ThrowsAsync<InvalidAdapterException>(() => TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, tooLarge), ct));
        Assert.Contains("rank 8", error.Message);
        var plain = await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt), ct);
        Assert.NotEmpty(plain.Tokens);
    }
}
