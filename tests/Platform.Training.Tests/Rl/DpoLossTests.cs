using Platform.Training.Rl;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Rl;

public sealed class DpoLossTests
{
    // Two pairs. Pair 0: chosen reward 0.1·(−1 + 1.5) = 0.05, rejected 0.1·(−3 + 2.5) = −0.05, z = 0.1.
    // Pair 1: chosen 0, rejected 0.1·(−1 + 1.5) = 0.05, z = −0.05. Loss −log σ(z) = log(1 + e^−z).
    private static readonly float[] PolicyChosen = [-1f, -2f], PolicyRejected = [-3f, -1f], ReferenceChosen = [-1.5f, -2f], ReferenceRejected = [-2.5f, -1.5f];

    [Fact]
    public void Sigmoid_loss_and_rewards_match_hand_computed_values()
    {
        using var terms = Compute(labelSmoothing: 0);

        AssertValues([0.6443966600735709, 0.7184596480132864], terms.Loss);
        AssertValues([0.05, 0.0], terms.ChosenRewards);
        AssertValues([-0.05, 0.05], terms.RejectedRewards);
    }

    [Fact]
    public void Label_smoothing_mixes_in_the_flipped_label()
    {
        // 0.8·log(1 + e^−z) + 0.2·log(1 + e^z) = log(1 + e^−z) + 0.2·z
        using var terms = Compute(labelSmoothing: 0.2);

        AssertValues([0.6643966600735709, 0.7084596480132864], terms.Loss);
    }

    [Fact]
    public void The_gradient_raises_the_chosen_and_lowers_the_rejected_log_probability()
    {
        using var chosen = tensor(PolicyChosen).requires_grad_();
        using var rejected = tensor(PolicyRejected).requires_grad_();
        using var terms = DpoLoss.Compute(chosen, rejected, tensor(ReferenceChosen), tensor(ReferenceRejected), beta: 0.1);

        terms.Loss.sum().backward();

        // d/dπ_c = −β·σ(−z); d/dπ_r = +β·σ(−z)
        var expected = new[] { -0.1 / (1 + Math.Exp(0.1)), -0.1 / (1 + Math.Exp(-0.05)) };
        AssertValues(expected, chosen.grad!);
        AssertValues(expected.Select(v => -v).ToArray(), rejected.grad!);
    }

    private static DpoLossTerms Compute(double labelSmoothing) =>
        DpoLoss.Compute(tensor(PolicyChosen), tensor(PolicyRejected), tensor(ReferenceChosen), tensor(ReferenceRejected), beta: 0.1, labelSmoothing);

    internal static void AssertValues(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        var values = actual.to(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - values[i]) < tolerance, $"[{i}] expected {expected[i]}, got {values[i]}");
    }
}
