namespace Platform.Training.Rl;

/// <summary>
/// Signs that GRPO has stopped learning: more than half of a step's completions cut at the length limit (the reward
/// mostly sees unfinished answers), or every reward of the batch equal for <c>flatRewardSteps</c> steps in a row (no
/// advantage, so no gradient but the KL term). Each adds a warning; the first such reason of a step is its
/// <see cref="RlStepResult.Degenerate"/>, which a run may treat as a failure.
/// </summary>
public sealed class GrpoHealth(int flatRewardSteps)
{
    private int flatSince = -1;
    private int flatCount;

    /// <param name="cut">Completions of the step that hit the length limit, of <paramref name="completions"/>.</param>
    /// <param name="flatReward">The one reward every completion got, or null when they differ.</param>
    /// <returns>Why the step is degenerate, or null.</returns>
    public string? Check(int step, int cut, int completions, double? flatReward, int maxCompletionLength, List<string> warnings)
    {
        string? degenerate = null;
        if (cut * 2 > completions)
        {
            degenerate = $"{cut} of {completions} completions hit the length limit ({maxCompletionLength} tokens)";
            warnings.Add(degenerate);
        }
        if (flatReward is { } reward)
        {
            if (flatCount++ == 0) flatSince = step;
            if (flatCount >= flatRewardSteps)
            {
                var flat = $"every reward was {reward:0.###} for {flatCount} steps in a row (steps {flatSince}–{step}): no advantage, nothing learned";
                warnings.Add(flat);
                degenerate ??= flat;
            }
        }
        else flatCount = 0;
        return degenerate;
    }
}
