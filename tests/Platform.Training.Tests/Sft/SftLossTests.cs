using Platform.Training.Sft;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Sft;

public sealed class SftLossTests
{
    [Fact]
    public void The_weighted_sum_is_the_cross_entropy_of_each_answer_token_from_full_logits()
    {
        using var model = TestModels.Create().WithRandomNorms();
        var examples = SftTestData.Conversations;
        examples[1] = new SftExample(examples[1].InputIds, [0, 0, 0, 0.5f, 2f, 1f]); // weights other than 0/1 count as given

        using var actual = SftLoss.WeightedSum(model, examples);

        double expected = 0;
        using (no_grad())
            foreach (var example in examples)
            {
                using var logProbabilities = model.forward(tensor(example.InputIds.Select(i => (long)i).ToArray()).unsqueeze(0))[0]
                    .log_softmax(-1);
                for (var i = 1; i < example.InputIds.Length; i++)
                    expected -= example.LossWeights[i] * logProbabilities[i - 1, example.InputIds[i]].item<float>();
            }
        Assert.Equal(expected, actual.item<float>(), 3);
        Assert.True(actual.requires_grad);
    }

    [Theory]
    [InlineData(LearningRateScheduleKind.Cosine, 0, 0.0)]
    [InlineData(LearningRateScheduleKind.Cosine, 2, 0.5)]
    [InlineData(LearningRateScheduleKind.Cosine, 4, 1.0)]
    [InlineData(LearningRateScheduleKind.Cosine, 7, 0.5)]
    [InlineData(LearningRateScheduleKind.Cosine, 10, 0.0)]
    [InlineData(LearningRateScheduleKind.Linear, 7, 0.5)]
    [InlineData(LearningRateScheduleKind.Linear, 10, 0.0)]
    [InlineData(LearningRateScheduleKind.Constant, 9, 1.0)]
    public void The_schedule_warms_up_linearly_then_decays_to_zero_at_max_steps(LearningRateScheduleKind kind, int step, double fraction)
    {
        var options = new SftOptions { LearningRate = 2e-4, WarmupSteps = 4, MaxSteps = 10, Schedule = kind };

        Assert.Equal(2e-4 * fraction, LearningRateSchedule.At(step, options), 12);
    }

    [Fact]
    public void The_data_order_is_a_seeded_permutation_per_epoch()
    {
        var order = new SftDataOrder(5, seed: 3);
        var again = new SftDataOrder(5, seed: 3);

        var epoch0 = Enumerable.Range(0, 5).Select(i => order.At(i)).ToArray();
        var epoch1 = Enumerable.Range(5, 5).Select(i => order.At(i)).ToArray();

        Assert.Equal([0, 1, 2, 3, 4], epoch0.Order());
        Assert.Equal([0, 1, 2, 3, 4], epoch1.Order());
        Assert.Equal(epoch1, Enumerable.Range(5, 5).Select(i => again.At(i)));
        Assert.NotEqual(epoch0, Enumerable.Range(0, 5).Select(i => new SftDataOrder(5, seed: 4).At(i)));
    }
}
