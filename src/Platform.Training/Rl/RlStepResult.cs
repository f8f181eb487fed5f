using Platform.Training.Sft;

namespace Platform.Training.Rl;

/// <summary>
/// What one DPO or GRPO step did. <see cref="Metrics"/> uses TRL's names ("rewards/chosen", "reward_std", "kl", …);
/// <see cref="Warnings"/> are signs the step taught nothing (no reward spread, completions cut at the length limit).
/// </summary>
public sealed record RlStepResult(
    int Step, double Loss, double GradNorm, double LearningRate, long Tokens, TimeSpan Elapsed,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Warnings);

/// <summary>A DPO or GRPO trainer as a run drives it: one step at a time, checkpointable.</summary>
public interface IRlTrainer : IResumableTrainer, IDisposable
{
    RlStepResult TrainStep(CancellationToken cancellationToken = default);
}
