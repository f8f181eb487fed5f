using Platform.Training.Generation;
using Platform.Training.Qwen3;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Generation;

public sealed class Qwen3GeneratorTests
{
    private static readonly int[] PromptA = [11, 5, 80, 2, 33];
    private static readonly int[] PromptB = [19, 7];
    private static readonly int[] PromptC = [64, 90, 4, 1, 3, 3, 8];

    [Fact]
    public void Greedy_decoding_equals_argmax_over_repeated_full_forwards()
    {
        using var model = TestModels.Create().WithRandomNorms();

        var generated = new Qwen3Generator(model).Generate([PromptA], new GenerationOptions { MaxNewTokens = 6 },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(NaiveGreedy(model, PromptA, 6), generated[0].Tokens);
        Assert.Equal(FinishReason.Length, generated[0].Reason);
    }

    [Fact]
    public void A_batch_of_different_lengths_decodes_each_prompt_as_if_alone()
    {
        using var model = TestModels.Create().WithRandomNorms();
        var generator = new Qwen3Generator(model);
        var options = new GenerationOptions { MaxNewTokens = 5, PadTokenId = 96 };

        var batch = generator.Generate([PromptA, PromptB, PromptC], options, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(NaiveGreedy(model, PromptA, 5), batch[0].Tokens);
        Assert.Equal(NaiveGreedy(model, PromptB, 5), batch[1].Tokens);
        Assert.Equal(NaiveGreedy(model, PromptC, 5), batch[2].Tokens);
    }

    [Fact]
    public void A_row_that_emits_a_stop_token_ends_while_the_others_go_on_and_every_token_is_streamed()
    {
        using var model = TestModels.Create().WithRandomNorms();
        var expectedB = NaiveGreedy(model, PromptB, 6);
        var stop = expectedB[2];
        var streamed = new List<GeneratedToken>();
        var options = new GenerationOptions { MaxNewTokens = 6, StopTokenIds = new HashSet<int> { stop } };

        var result = new Qwen3Generator(model).Generate([PromptA, PromptB], options, streamed.Add,
            TestContext.Current.CancellationToken);

        Assert.Equal(expectedB[..(expectedB.IndexOf(stop) + 1)], result[1].Tokens);
        Assert.Equal(FinishReason.Stop, result[1].Reason);
        var expectedA = NaiveGreedy(model, PromptA, 6);
        var cut = Array.IndexOf(expectedA, stop);
        Assert.Equal(cut < 0 ? expectedA : expectedA[..(cut + 1)], result[0].Tokens);
        for (var prompt = 0; prompt < 2; prompt++)
            Assert.Equal(result[prompt].Tokens, streamed.Where(t => t.Prompt == prompt).OrderBy(t => t.Index).Select(t => t.TokenId));
    }

    [Fact]
    public void Sampling_is_reproducible_per_seed_and_top_k_1_is_greedy()
    {
        using var model = TestModels.Create();
        var generator = new Qwen3Generator(model);
        var hot = new GenerationOptions { MaxNewTokens = 8, Temperature = 5.0, Seed = 1 };
        var ct = TestContext.Current.CancellationToken;

        var a = generator.Generate([PromptA], hot, cancellationToken: ct)[0].Tokens;
        var b = generator.Generate([PromptA], hot, cancellationToken: ct)[0].Tokens;
        var c = generator.Generate([PromptA], hot with { Seed = 2 }, cancellationToken: ct)[0].Tokens;
        var topK1 = generator.Generate([PromptA], hot with { TopK = 1 }, cancellationToken: ct)[0].Tokens;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(NaiveGreedy(model, PromptA, 8), topK1);
    }

    private static int[] NaiveGreedy(Qwen3ForCausalLM model, int[] prompt, int count)
    {
        using var _ = no_grad();
        var sequence = prompt.Select(t => (long)t).ToList();
        for (var i = 0; i < count; i++)
        {
            using var logits = model.forward(TestModels.Tokens([.. sequence]));
            sequence.Add(logits[0, -1].argmax().item<long>());
        }
        return sequence.Skip(prompt.Length).Select(t => (int)t).ToArray();
    }
}
