using Platform.Training.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Generation;

public sealed class TokenSamplerTests
{
    // probabilities 0.5, 0.25, 0.125, 0.0625, 0.0625
    private static readonly float[] Probabilities = [0.5f, 0.25f, 0.125f, 0.0625f, 0.0625f];

    [Theory]
    [InlineData(0, 0.5, new[] { 0 })]         // 0.5 alone reaches 0.5
    [InlineData(0, 0.6, new[] { 0, 1 })]
    [InlineData(0, 0.8, new[] { 0, 1, 2 })]
    [InlineData(2, 1.0, new[] { 0, 1 })]
    [InlineData(2, 0.9, new[] { 0, 1 })]
    [InlineData(0, 1.0, new[] { 0, 1, 2, 3, 4 })]
    public void Filters_keep_the_top_k_and_the_smallest_nucleus_reaching_top_p(int topK, double topP, int[] kept)
    {
        long[] vocabularyOf = [3, 0, 4, 2, 1]; // shuffled so that order in the row is not order of probability
        using var logits = tensor(Probabilities).log().index_select(0, tensor(vocabularyOf)).unsqueeze(0);

        using var filtered = TokenSampler.Filter(logits, topK, topP);

        var survivors = Enumerable.Range(0, 5).Where(i => !float.IsNegativeInfinity(filtered[0, i].item<float>()))
            .Select(i => (int)vocabularyOf[i]).Order();
        Assert.Equal(kept, survivors);
    }

    [Fact]
    public void Samples_follow_the_probabilities()
    {
        using var sampler = new TokenSampler(new GenerationOptions { Temperature = 1.0, Seed = 5 });
        using var logits = tensor(Probabilities).log().unsqueeze(0).expand(4000, 5);

        var counts = sampler.Next(logits).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());

        for (var token = 0; token < 5; token++)
            Assert.InRange(counts.GetValueOrDefault(token) / 4000.0, Probabilities[token] - 0.03, Probabilities[token] + 0.03);
    }
}
