namespace Platform.Training.Rl;

/// <summary>
/// Signs that GRPO has stopped learning: more than half of a step's completions cut at the length limit (the reward
/// mostly sees unfinished answers), or every reward of the batch equal for <see cref="GrpoOptions.FlatRewardSteps"/>
/// steps in a row (no advantage, so no gradient but the KL term). Each adds a warning; the first such reason of a step is
/// its <see cref="RlStepResult.Degenerate"/>, which a run may treat as a failure.
/// </summary>
internal sealed class GrpoHealth(int flatRewardSteps)
{
    private int flatSince = -1;
    private int flatCount;

    public string? Check(GrpoRollout rollout, int step, int maxCompletionLength, List<string> warnings)
    {
        string? degenerate = null;
        if (rollout.MostCut)
            degenerate = $"{rollout.Truncated} of {rollout.CompletionLengths.Length} completions hit the length limit ({maxCompletionLength} tokens)";
        if (rollout.FlatRewards)
        {
            if (flatCount++ == 0) flatSince = step;
            if (flatCount >= flatRewardSteps)
            {
                var flat = $"every reward was {rollout.Rewards[0]:0.###} for {flatCount} steps in a row (steps {flatSince}–{step}): no advantage, nothing learned";
                warnings.Add(flat);
                degenerate ??= flat;
            }
        }
        else flatCount = 0;
        return degenerate;
    }
}
