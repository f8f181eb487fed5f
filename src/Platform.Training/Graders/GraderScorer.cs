using Platform.Training.Rl;

namespace Platform.Training.Graders;

/// <summary>
/// A grader as GRPO's reward. Components: each sub-grader of a multi grader, then the grader itself. A component that
/// throws scores 0 and is marked failed; a multi grader still combines the others. Nothing here throws.
/// </summary>
public sealed class GraderScorer(Grader grader) : ICompletionScorer
{
    public IReadOnlyList<string> Components { get; } =
        grader is MultiGrader multi ? [.. multi.Graders.Keys, grader.Name] : [grader.Name];

    public CompletionScore Score(PromptItem prompt, string completion)
    {
        var context = new GradingContext(prompt.Item, completion);
        var scores = new double[Components.Count];
        var failed = new bool[Components.Count];
        if (grader is MultiGrader multi)
        {
            var parts = new Dictionary<string, double>();
            var i = 0;
            foreach (var (key, part) in multi.Graders)
            {
                (scores[i], failed[i]) = Safe(() => part.Grade(context));
                parts[key] = scores[i++];
            }
            (scores[i], failed[i]) = Safe(() => multi.Combine(parts));
        }
        else (scores[0], failed[0]) = Safe(() => grader.Grade(context));
        return new CompletionScore(scores[^1], scores, failed);
    }

    private static (double Score, bool Failed) Safe(Func<double> grade)
    {
        try { return (grade(), false); }
        catch (Exception e) when (e is not OperationCanceledException) { return (0, true); }
    }
}
