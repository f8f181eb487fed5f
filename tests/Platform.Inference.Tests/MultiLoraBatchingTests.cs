using Platform.Inference.Engine;
using Platform.Inference.Lora;
using Platform.Training.Checkpoints;
using Platform.Training.Generation;
using Platform.Training.Lora;

namespace Platform.Inference.Tests;

/// <summary>One base forward for rows with different adapters (and none) gives each row exactly what it gets alone.</summary>
public sealed class MultiLoraBatchingTests
{
    private static readonly AdapterRef[] Adapters =
    [
        TestEngines.Adapter("r2", rank: 2, alpha: 4, seed: 1),
        TestEngines.Adapter("r4", rank: 4, alpha: 16, seed: 2, "q_proj", "v_proj"),
        TestEngines.Adapter("r8", rank: 8, alpha: 8, seed: 3),
        TestEngines.Adapter("r16", rank: 16, alpha: 32, seed: 4, "gate_proj", "up_proj", "down_proj"),
    ];

    private static readonly string[] Questions = ["Who are you?", "What is two plus two?", "Name a colour.", "Say hello.", "Tell me a story about a cat."];

    [Theory]
    [InlineData(LoraKernel.Grouped)]
    [InlineData(LoraKernel.Gathered)]
    [InlineData(LoraKernel.Stacked)]
    public async Task A_mixed_batch_of_base_and_four_adapters_gives_each_request_its_tokens_alone(LoraKernel kernel)
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, LoraKernel = kernel, MaxResidentAdapters = 4, MaxLoraRank = 16 });
        var requests = Questions.Select((q, i) => TestEngines.Greedy(TestEngines.Prompt(q), i == 0 ? null : Adapters[i - 1])).ToList();

        var alone = new List<int[]>();
        foreach (var request in requests) alone.Add((await TestEngines.RunAsync(engine, request, ct)).Tokens);
        var together = await Task.WhenAll(requests.Select(r => TestEngines.RunAsync(engine, r, ct)));

        for (var i = 0; i < requests.Count; i++) Assert.Equal(alone[i], together[i].Tokens);
        var sameQuestionOnBase = (await TestEngines.RunAsync(engine, requests[1] with { Adapter = null }, ct)).Tokens;
        Assert.NotEqual(sameQuestionOnBase, alone[1]);
        Assert.Equal(0, engine.Stats.Running);
        Assert.Equal(engine.Stats.TotalPages, engine.Stats.FreePages);
    }

    [Fact]
    public async Task An_adapter_row_decodes_as_the_training_engines_LoraLinear_does()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create();
        var prompt = TestEngines.Prompt(Questions[4]);

        var served = await TestEngines.RunAsync(engine, TestEngines.Greedy(prompt, Adapters[2], maxTokens: 10), ct);

        using var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: ct);
        LoraAdapter.Load(model, Adapters[2].Folder, cancellationToken: ct);
        var reference = new Qwen3Generator(model).Generate([prompt], new GenerationOptions { MaxNewTokens = 10 }, cancellationToken: ct);
        Assert.Equal(reference[0].Tokens.TakeWhile(t => t != TestEngines.Tokenizer.ImEnd), served.Tokens.TakeWhile(t => t != TestEngines.Tokenizer.ImEnd));
    }

    [Fact]
    public async Task Requests_joining_while_others_decode_keep_their_own_tokens()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, PrefillChunk = 8, MaxBatchTokens = 12 });
        var longRequest = TestEngines.Greedy(TestEngines.Prompt(Questions[4]), Adapters[0], maxTokens: 30);
        var late = TestEngines.Greedy(TestEngines.Prompt(Questions[1] + " Please answer carefully and at length."), Adapters[3]);
        var longAlone = await TestEngines.RunAsync(engine, longRequest, ct);
        var lateAlone = await TestEngines.RunAsync(engine, late, ct);

        var first = engine.Submit(longRequest, ct);
        Assert.True(await first.WaitToReadAsync(ct));   // decoding has begun
        var second = TestEngines.RunAsync(engine, late, ct);
        Assert.Equal(longAlone.Tokens, (await TestEngines.CollectAsync(first, ct)).Tokens);
        Assert.Equal(lateAlone.Tokens, (await second).Tokens);
    }
}
