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

/// <summary>The reward, and each component's score and whether it failed (aligned with <see cref="ICompletionScorer.Components"/>).</summary>
public sealed record CompletionScore(double Reward, double[] Components, bool[] Failed);
