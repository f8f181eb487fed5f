using Platform.Training.Rl;
using static Platform.Training.Tests.Rl.DpoLossTests;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Rl;

public sealed class GrpoLossTests
{
    [Fact]
    public void Advantages_are_group_normalised_rewards()
    {
        // group 1: mean 0.5, unbiased std sqrt(1/3); group 2: all equal, so no advantage
        var scaled = GrpoLoss.Advantages([1, 0, 0, 1, 0, 0, 0, 0], groupSize: 4, scaleByStd: true);
        var unscaled = GrpoLoss.Advantages([1, 0, 0, 1, 0, 0, 0, 0], groupSize: 4, scaleByStd: false);

        var a = 0.5 / (Math.Sqrt(1.0 / 3) + 1e-4);
        Assert.Equal([a, -a, -a, a, 0, 0, 0, 0], scaled, (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal([0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0], unscaled);
    }

    [Fact]
    public void Per_token_loss_clips_the_ratio_and_adds_the_k3_penalty()
    {
        // ratios e^0.2 (above 1.2 with A > 0: clipped), e^−0.1, 1 (A < 0); ref − logp = −0.1, 0, −0.2
        using var terms = PerToken(beta: 0.1);

        AssertValues([-1.199516258196404, -0.9048374180359595, 1.0018730753077982], terms.Loss);
        AssertValues([1, 0, 0], terms.Clipped);
        AssertValues([0.004837418035959606, 0, 0.018730753077981888], terms.Kl!);
    }

    [Theory]
    [InlineData(GrpoLossType.Grpo, -0.025151881404191778)]  // ((l0 + l1) / 2 + l2 / 1) / 2 completions
    [InlineData(GrpoLossType.Dapo, -0.36749353364152176)]   // (l0 + l1 + l2) / 3 tokens
    [InlineData(GrpoLossType.DrGrpo, -0.13781007511557067)] // (l0 + l1 + l2) / (2 completions × 4 max length)
    public void Loss_types_reduce_tokens_as_TRL_names_them(GrpoLossType type, double expected)
    {
        using var terms = PerToken(beta: 0.1);
        using var rows = tensor(new long[] { 0, 0, 1 });

        using var loss = GrpoLoss.Reduce(terms.Loss, rows, [2, 1], type, new GrpoBatchSize(2, 3, 4));

        AssertValues([expected], loss.reshape(1));
    }

    [Fact]
    public void Micro_batch_shares_add_up_to_the_whole_batch()
    {
        using var terms = PerToken(beta: 0.1);
        var batch = new GrpoBatchSize(2, 3, 4);
        using var whole = GrpoLoss.Reduce(terms.Loss, tensor(new long[] { 0, 0, 1 }), [2, 1], GrpoLossType.Grpo, batch);

        using var first = GrpoLoss.Reduce(terms.Loss[..2], tensor(new long[] { 0, 0 }), [2], GrpoLossType.Grpo, batch);
        using var second = GrpoLoss.Reduce(terms.Loss[2..], tensor(new long[] { 0 }), [1], GrpoLossType.Grpo, batch);

        Assert.Equal(whole.item<float>(), first.item<float>() + second.item<float>(), 6);
    }

    [Fact]
    public void With_one_iteration_the_gradient_is_minus_the_advantage()
    {
        using var logProbs = tensor(new[] { -1f, -2f, -0.5f }).requires_grad_();
        using var advantages = tensor(new[] { 1f, 0.5f, -2f });

        var terms = GrpoLoss.PerToken(logProbs, logProbs.detach(), null, advantages, 0.2, 0.2, beta: 0);
        terms.Loss.sum().backward();

        AssertValues([-1, -0.5, 2], logProbs.grad!);
        Assert.Null(terms.Kl);
    }

    private static GrpoTokenTerms PerToken(double beta) => GrpoLoss.PerToken(
        tensor(new[] { -1f, -2f, -0.5f }), tensor(new[] { -1.2f, -1.9f, -0.5f }), tensor(new[] { -1.1f, -2.0f, -0.7f }),
        tensor(new[] { 1f, 1f, -1f }), epsilonLow: 0.2, epsilonHigh: 0.2, beta);
}
