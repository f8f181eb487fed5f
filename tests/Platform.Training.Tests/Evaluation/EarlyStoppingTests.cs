using Platform.Training.Evaluation;

namespace Platform.Training.Tests.Evaluation;

public sealed class EarlyStoppingTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("early-");

    [Fact]
    public void A_loss_that_stops_improving_by_more_than_min_delta_stops_after_patience_evaluations_and_keeps_the_best()
    {
        var stopping = new EarlyStopping(new EarlyStoppingOptions(EarlyStoppingOptions.ValidLoss, Patience: 2, MinDelta: 0.01));

        Assert.True(stopping.Observe(1, 1.00));
        Assert.True(stopping.Observe(2, 0.90));   // improved by 0.1: patience reset
        Assert.True(stopping.Observe(3, 0.895));  // better, so the best, but by less than min_delta: counts
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Observe(4, 0.97));  // worse
        Assert.True(stopping.ShouldStop);
        Assert.Equal((0.895, 3), (stopping.Best!.Value, stopping.BestStep!.Value));
    }

    [Fact]
    public void Accuracy_and_reward_improve_upwards_and_a_non_finite_value_never_improves()
    {
        var stopping = new EarlyStopping(new EarlyStoppingOptions(EarlyStoppingOptions.ValidReward, Patience: 1, MinDelta: 0));

        Assert.True(stopping.Observe(5, 0.2));
        Assert.True(stopping.Observe(10, 0.6));
        Assert.False(stopping.Observe(15, double.NaN));
        Assert.True(stopping.ShouldStop);
        Assert.Equal(10, stopping.BestStep);
    }

    [Fact]
    public void The_state_saved_with_a_checkpoint_resumes_to_the_same_decision()
    {
        var options = new EarlyStoppingOptions(EarlyStoppingOptions.ValidTokenAccuracy, Patience: 2, MinDelta: 0);
        var first = new EarlyStopping(options);
        first.Observe(1, 0.5);
        first.Observe(2, 0.4);
        first.Save(folder.FullName);

        var resumed = EarlyStopping.Resume(options, folder.FullName);
        Assert.Equal((first.Best, first.BestStep, first.Stale), (resumed.Best, resumed.BestStep, resumed.Stale));
        resumed.Observe(3, 0.45);
        Assert.True(resumed.ShouldStop);
        Assert.Equal(0, EarlyStopping.Resume(options, null).Stale);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
