using TorchSharp.Modules;

namespace Platform.Training.Sft;

/// <summary>
/// What <see cref="SftCheckpoint"/> saves and restores of a trainer (SFT, DPO, GRPO): trained weights, AdamW moments,
/// the step and the data position, plus the two settings a resume must share (examples per step, seed).
/// </summary>
public interface IResumableTrainer
{
    IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }
    AdamW Optimizer { get; }
    int Step { get; set; }
    /// <summary>Examples (SFT rows, preference pairs, prompts) consumed so far.</summary>
    long ExamplesConsumed { get; set; }
    int MaxSteps { get; }
    int ExamplesPerStep { get; }
    ulong Seed { get; }
}
