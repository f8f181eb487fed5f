namespace Platform.Training.Graders;

/// <summary>
/// OpenAI's text_similarity: the <c>evaluation_metric</c> of <c>input</c> against <c>reference</c>, in [0, 1]
/// (see <see cref="TextMetrics"/>). With <c>pass_threshold</c> the score is 1 at or above it and 0 below.
/// </summary>
public sealed class TextSimilarityGrader(string name, GraderTemplate input, GraderTemplate reference, string metric, double? passThreshold)
    : Grader("text_similarity", name)
{
    public static readonly string[] Metrics = ["fuzzy_match", "bleu", "rouge_1", "rouge_2", "rouge_l"];

    public override double Grade(GradingContext context)
    {
        var (candidate, target) = (input.Render(context), reference.Render(context));
        var score = metric switch
        {
            "fuzzy_match" => TextMetrics.FuzzyMatch(candidate, target),
            "bleu" => TextMetrics.Bleu(candidate, target),
            "rouge_1" => TextMetrics.RougeN(candidate, target, 1),
            "rouge_2" => TextMetrics.RougeN(candidate, target, 2),
            "rouge_l" => TextMetrics.RougeL(candidate, target),
            _ => throw new GraderException($"unknown evaluation_metric '{metric}'"),
        };
        return passThreshold is { } threshold ? score >= threshold ? 1 : 0 : score;
    }

    public override IEnumerable<string> ItemFields => input.ItemFields.Concat(reference.ItemFields);
}
