using Platform.Training.Rl;

namespace Platform.Training.Tests.Rl;

public sealed class GrpoHealthTests
{
    [Fact]
    public void Equal_rewards_warn_only_from_the_kth_step_in_a_row_and_a_step_with_spread_resets_the_count()
    {
        var health = new GrpoHealth(flatRewardSteps: 3);
        var warnings = new List<string>();

        var verdicts = new[]
        {
            health.Check(1, 0, 8, 0.0, 16, warnings),
            health.Check(2, 0, 8, 0.0, 16, warnings),
            health.Check(3, 0, 8, null, 16, warnings),     // rewards differ: the run of equal rewards ends
            health.Check(4, 0, 8, 1.0, 16, warnings),
            health.Check(5, 0, 8, 1.0, 16, warnings),
            health.Check(6, 0, 8, 1.0, 16, warnings),
        };

        Assert.Equal([null, null, null, null, null], verdicts[..5]);
        Assert.Equal("every reward was 1 for 3 steps in a row (steps 4–6): no advantage, nothing learned", verdicts[5]);
        Assert.Equal([verdicts[5]!], warnings);
    }

    [Fact]
    public void More_than_half_of_the_completions_at_the_length_limit_is_degenerate_and_half_is_not()
    {
        var health = new GrpoHealth(flatRewardSteps: 3);
        var warnings = new List<string>();

        Assert.Null(health.Check(1, 4, 8, null, 16, warnings));
        Assert.Equal("5 of 8 completions hit the length limit (16 tokens)", health.Check(2, 5, 8, null, 16, warnings));
        Assert.Single(warnings);
    }
}
