namespace Platform.Training.Rl;

/// <summary>
/// Scores one sampled completion of a prompt. <see cref="Components"/> names what is reported per step (e.g. each
/// sub-grader of a multi grader, then the whole); a component that failed scores 0 and is counted, it never throws.
/// </summary>
public interface ICompletionScorer
{
    IReadOnlyList<string> Components { get; }
    CompletionScore Score(PromptItem prompt, string completion);
}

/// <summary>
/// The reward, and each component's score and, where it failed, why (aligned with <see cref="ICompletionScorer.Components"/>).
/// </summary>
public sealed record CompletionScore(double Reward, double[] Components, string?[] Errors)
{
    public bool[] Failed => Errors.Select(e => e is not null).ToArray();

    /// <summary>
    /// The scorer's answer, checked: one score per component, all finite. A scorer that breaks that (a custom one, or a
    /// bug) gets every component marked failed and a reward of 0, so one bad answer never becomes a NaN advantage.
    /// </summary>
    public static CompletionScore Checked(ICompletionScorer scorer, PromptItem prompt, string completion)
    {
        var n = scorer.Components.Count;
        var score = scorer.Score(prompt, completion);
        string? broken = score.Components.Length != n || score.Errors.Length != n ? $"returned {score.Components.Length} scores for {n} components"
            : !double.IsFinite(score.Reward) ? $"returned a reward of {score.Reward}"
            : null;
        if (broken is null)
        {
            var components = score.Components.Select(c => double.IsFinite(c) ? c : 0).ToArray();
            var errors = score.Errors.Select((e, i) => e ?? (double.IsFinite(score.Components[i]) ? null : $"scored {score.Components[i]}")).ToArray();
            return new CompletionScore(score.Reward, components, errors);
        }
        return new CompletionScore(0, new double[n], Enumerable.Repeat<string?>(broken, n).ToArray());
    }
}
