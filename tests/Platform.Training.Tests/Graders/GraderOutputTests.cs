using System.Text.Json;
using Platform.Training.Graders;
using Platform.Training.Rl;

namespace Platform.Training.Tests.Graders;

/// <summary>What a grader returns is checked before it becomes a reward: count, NaN, time.</summary>
public sealed class GraderOutputTests
{
    private static readonly JsonElement Item = JsonDocument.Parse("""{"solution": "4"}""").RootElement;

    [Fact]
    public void A_non_finite_score_is_a_grader_error_scored_zero_and_the_multi_grader_still_combines_the_rest()
    {
        var format = GraderParser.Parse("""{"type":"regex","name":"fmt","input":"{{sample.output_text}}","pattern":"^\\d+$"}""");
        var parts = new Dictionary<string, Grader> { ["nan"] = new NaNGrader(), ["fmt"] = format };
        var scorer = new GraderScorer(new MultiGrader("total", parts, GraderFormula.Parse("nan + fmt", parts.Keys.ToHashSet(), "calculate_output")));

        var score = scorer.Score(new PromptItem([], Item), "4");

        Assert.Equal(["nan", "fmt", "total"], scorer.Components);
        Assert.Equal([0.0, 1.0, 1.0], score.Components);
        Assert.Equal(["scored NaN", null, null], score.Errors);
        Assert.Equal(1.0, score.Reward);
    }

    [Fact]
    public void A_grader_slower_than_the_limit_is_an_error_with_the_time()
    {
        var scorer = new GraderScorer(new SlowGrader(TimeSpan.FromMilliseconds(300)), timeout: TimeSpan.FromMilliseconds(100));

        var score = scorer.Score(new PromptItem([], Item), "4");

        Assert.Equal(0, score.Reward);
        Assert.Matches(@"^took \d+(\.\d)? s, over the 0\.1 s limit$", score.Errors[0]);
    }

    [Fact]
    public void A_scorer_that_answers_the_wrong_number_of_scores_or_a_nan_reward_fails_every_component()
    {
        var wrongCount = CompletionScore.Checked(new FixedScorer(new CompletionScore(1, [1, 1], [null, null])), new PromptItem([], Item), "x");
        var nanReward = CompletionScore.Checked(new FixedScorer(new CompletionScore(double.NaN, [1], [null])), new PromptItem([], Item), "x");
        var fine = CompletionScore.Checked(new FixedScorer(new CompletionScore(0.5, [0.5], [null])), new PromptItem([], Item), "x");

        Assert.Equal((0.0, "returned 2 scores for 1 components"), (wrongCount.Reward, wrongCount.Errors.Single()));
        Assert.Equal((0.0, "returned a reward of NaN"), (nanReward.Reward, nanReward.Errors.Single()));
        Assert.Equal((0.5, (string?)null), (fine.Reward, fine.Errors.Single()));
    }

    [Fact]
    public void A_template_reaches_into_arrays_by_index_and_a_missing_index_is_a_grader_error()
    {
        using var row = JsonDocument.Parse("""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"I am Aster."}]}""");
        var template = GraderTemplate.Parse("{{item.messages.1.content}}", "reference");

        Assert.Equal("I am Aster.", template.Render(new GradingContext(row.RootElement, "")));
        Assert.Throws<GraderException>(() => GraderTemplate.Parse("{{item.messages.2.content}}", "reference").Render(new GradingContext(row.RootElement, "")));
    }

    private sealed class NaNGrader() : Grader("nan", "nan")
    {
        public override double Grade(GradingContext context) => double.NaN;
        public override IEnumerable<string> ItemFields => [];
    }

    private sealed class SlowGrader(TimeSpan delay) : Grader("slow", "slow")
    {
        public override double Grade(GradingContext context)
        {
            Thread.Sleep(delay);
            return 1;
        }

        public override IEnumerable<string> ItemFields => [];
    }

    private sealed class FixedScorer(CompletionScore score) : ICompletionScorer
    {
        public IReadOnlyList<string> Components { get; } = ["only"];
        public CompletionScore Score(PromptItem prompt, string completion) => score;
    }
}
