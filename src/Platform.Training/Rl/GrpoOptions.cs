using Platform.Training.Sft;

namespace Platform.Training.Rl;

/// <summary>How per-token losses become the step's loss (TRL's loss_type).</summary>
public enum GrpoLossType
{
    /// <summary>Mean over each completion's tokens, then over completions (the paper's 1/G Σ 1/|o_i| Σ_t).</summary>
    Grpo,
    /// <summary>Sum over all tokens / (completions × max completion length): no length bias (Dr. GRPO).</summary>
    DrGrpo,
    /// <summary>Sum over all tokens / all completion tokens of the step (DAPO's token-level mean).</summary>
    Dapo,
}

/// <summary>GRPO's hyper-parameters (TRL's GRPOConfig / ms-swift names) and the optimisation settings.</summary>
public sealed record GrpoOptions
{
    /// <summary>Prompts per step; each is sampled <see cref="NumGenerations"/> times.</summary>
    public int PromptsPerStep { get; init; } = 4;
    public int NumGenerations { get; init; } = 8;
    public int MaxCompletionLength { get; init; } = 256;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public int TopK { get; init; }
    /// <summary>Clip range of the importance ratio: [1 − Epsilon, 1 + EpsilonHigh].</summary>
    public double Epsilon { get; init; } = 0.2;
    /// <summary>DAPO's clip-higher; null = <see cref="Epsilon"/>.</summary>
    public double? EpsilonHigh { get; init; }
    /// <summary>Weight of the k3 KL penalty against the LoRA-off reference; 0 skips the reference pass.</summary>
    public double Beta { get; init; } = 0.04;
    public GrpoLossType LossType { get; init; } = GrpoLossType.Grpo;
    /// <summary>Divide advantages by the group's reward std; false is Dr. GRPO's unscaled r − mean.</summary>
    public bool ScaleRewards { get; init; } = true;
    /// <summary>Policy updates per rollout batch (μ in the paper).</summary>
    public int NumIterations { get; init; } = 1;
    /// <summary>Sequences per forward/backward in the updates (memory, not maths).</summary>
    public int MicroBatchSize { get; init; } = 16;
    /// <summary>false puts Qwen3's empty think block in the prompt (enable_thinking=False).</summary>
    public bool EnableThinking { get; init; } = true;
    /// <summary>Rollout steps of the run: each one is a rollout batch and <see cref="NumIterations"/> updates.</summary>
    public int MaxSteps { get; init; } = 100;
    public double LearningRate { get; init; } = 1e-5;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public int WarmupSteps { get; init; }
    public double MaxGradNorm { get; init; } = 1.0;
    public ulong Seed { get; init; }
    /// <summary>Warn (see <see cref="GrpoHealth"/>) once every reward of a step's batch was equal this many steps in a row.</summary>
    public int FlatRewardSteps { get; init; } = 3;

    /// <summary>The optimiser's view: one schedule step per policy update.</summary>
    internal SftOptions Updates() => new()
    {
        MaxSteps = MaxSteps * NumIterations, LearningRate = LearningRate, Schedule = Schedule, WarmupSteps = WarmupSteps * NumIterations,
        MaxGradNorm = MaxGradNorm, Seed = Seed,
    };
}
