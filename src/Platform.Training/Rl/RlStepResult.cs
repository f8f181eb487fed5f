using Platform.Training.Sft;

namespace Platform.Training.Rl;

/// <summary>
/// What one DPO or GRPO step did. <see cref="Metrics"/> uses TRL's names ("rewards/chosen", "reward_std", "kl", …);
/// <see cref="Warnings"/> are signs the step taught little (no reward spread, completions cut at the length limit, grader
/// errors); <see cref="Degenerate"/> is the first of them that means training has stopped working (GRPO's length limit or
/// flat rewards), which a run set to fail on warnings ends with (<see cref="DegenerateTrainingException"/>).
/// </summary>
public sealed record RlStepResult(
    int Step, double Loss, double GradNorm, double LearningRate, long Tokens, TimeSpan Elapsed,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Warnings, string? Degenerate = null);

/// <summary>A step was degenerate and the run was asked to fail on that rather than train on.</summary>
public sealed class DegenerateTrainingException(int step, string reason)
    : Exception($"Training stopped at step {step}: {reason}.")
{
    public int Step { get; } = step;
}

/// <summary>A DPO or GRPO trainer as a run drives it: one step at a time, checkpointable.</summary>
public interface IRlTrainer : IResumableTrainer, IDisposable
{
    RlStepResult TrainStep(CancellationToken cancellationToken = default);
}
