using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Sft;

namespace Platform.Training.Rl;

public enum RlhfType
{
    Dpo,
    Grpo,
}

/// <summary>One DPO or GRPO run from files to an output folder, with ms-swift's <c>swift rlhf</c> names and defaults where it has them.</summary>
public sealed record RlRunOptions
{
    public required RlhfType Type { get; init; }
    /// <summary>A preset name or an HF model folder.</summary>
    public required string Model { get; init; }
    /// <summary>DPO: preference JSONL. GRPO: prompt (RFT) JSONL.</summary>
    public required string Dataset { get; init; }
    public required string Output { get; init; }
    /// <summary>An SFT adapter merged into the base before training: the starting policy and the reference.</summary>
    public string? Adapter { get; init; }
    public LoraConfig Lora { get; init; } = new() { Rank = 8, Alpha = 32 };
    public double Epochs { get; init; } = 1;
    /// <summary>Pairs per step (DPO) or prompts per step (GRPO, each sampled NumGenerations times).</summary>
    public int BatchSize { get; init; } = 1;
    public int GradientAccumulationSteps { get; init; } = 1;
    public double LearningRate { get; init; } = 1e-5;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public double WarmupRatio { get; init; }
    public int MaxLength { get; init; } = 2048;
    public double MaxGradNorm { get; init; } = 1.0;
    public int SaveSteps { get; init; } = 500;
    public int SaveTotalLimit { get; init; } = 2;
    public ulong Seed { get; init; } = 42;
    public string? Resume { get; init; }
    /// <summary>null: 0.1 for DPO, 0.04 for GRPO (TRL's and ms-swift's defaults).</summary>
    public double? Beta { get; init; }
    public double LabelSmoothing { get; init; }
    /// <summary>GRPO's reward; required for GRPO.</summary>
    public Grader? Grader { get; init; }
    public int NumGenerations { get; init; } = 8;
    public int MaxCompletionLength { get; init; } = 512;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public double Epsilon { get; init; } = 0.2;
    public double? EpsilonHigh { get; init; }
    public GrpoLossType LossType { get; init; } = GrpoLossType.Grpo;
    public bool ScaleRewards { get; init; } = true;
    public int NumIterations { get; init; } = 1;
    public bool EnableThinking { get; init; } = true;
    /// <summary>GRPO: warn once every reward of a step was equal this many steps in a row.</summary>
    public int FlatRewardSteps { get; init; } = 3;
    /// <summary>GRPO: end the run (<see cref="DegenerateTrainingException"/>) at the first degenerate step instead of training on.</summary>
    public bool FailOnWarnings { get; init; }
}

/// <summary>What the caller sees while a run goes.</summary>
public sealed record RlRunObserver
{
    /// <summary>Before the first step: the step the run starts at (after a resume) and the run's total.</summary>
    public Action<int, int>? Started { get; init; }
    public Action<RlStepResult>? Step { get; init; }
    public Action<string>? Saved { get; init; }
}

/// <summary>How a run ended: <see cref="Interrupted"/> when cancelled (a checkpoint of the last step was written).</summary>
public sealed record RlRunResult(int Steps, int MaxSteps, bool Interrupted, RlStepResult? Last);
