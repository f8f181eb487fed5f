using System.Diagnostics;
using Platform.Training.Rl;

namespace Platform.Training.Graders;

/// <summary>
/// A grader as GRPO's reward. Components: each sub-grader of a multi grader, then the grader itself. A component that
/// throws, gives a non-finite score or takes longer than <paramref name="timeout"/> (2 s by default; a regex is also
/// stopped after 1 s by its own timeout) scores 0 and is marked failed with the reason; a multi grader still combines the
/// others. Nothing here throws.
/// </summary>
public sealed class GraderScorer(Grader grader, TimeSpan? timeout = null) : ICompletionScorer
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    private readonly TimeSpan limit = timeout ?? DefaultTimeout;

    public IReadOnlyList<string> Components { get; } =
        grader is MultiGrader multi ? [.. multi.Graders.Keys, grader.Name] : [grader.Name];

    public CompletionScore Score(PromptItem prompt, string completion)
    {
        var context = new GradingContext(prompt.Item, completion);
        var scores = new double[Components.Count];
        var errors = new string?[Components.Count];
        if (grader is MultiGrader multi)
        {
            var parts = new Dictionary<string, double>();
            var i = 0;
            foreach (var (key, part) in multi.Graders)
            {
                (scores[i], errors[i]) = Safe(() => part.Grade(context));
                parts[key] = scores[i++];
            }
            (scores[i], errors[i]) = Safe(() => multi.Combine(parts));
        }
        else (scores[0], errors[0]) = Safe(() => grader.Grade(context));
        return new CompletionScore(scores[^1], scores, errors);
    }

    private (double Score, string? Error) Safe(Func<double> grade)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var score = grade();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > limit) return (0, $"took {elapsed.TotalSeconds:0.#} s, over the {limit.TotalSeconds:0.#} s limit");
            return double.IsFinite(score) ? (score, null) : (0, $"scored {score}");
        }
        catch (Exception e) when (e is not OperationCanceledException) { return (0, e.Message); }
    }
}
