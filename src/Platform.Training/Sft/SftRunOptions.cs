using Platform.Training.Lora;

namespace Platform.Training.Sft;

/// <summary>One SFT run from files to an output folder, with ms-swift's argument names and defaults where it has them.</summary>
public sealed record SftRunOptions
{
    /// <summary>A preset name or an HF model folder.</summary>
    public required string Model { get; init; }
    /// <summary>Chat JSONL ({"messages":[…]} per line).</summary>
    public required string Dataset { get; init; }
    public string? ValDataset { get; init; }
    public required string Output { get; init; }
    /// <summary>Train every weight instead of a LoRA adapter.</summary>
    public bool FullFineTune { get; init; }
    public LoraConfig Lora { get; init; } = new() { Rank = 8, Alpha = 32, Dropout = 0.05 };
    public double Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 1;
    public int GradientAccumulationSteps { get; init; } = 1;
    public double LearningRate { get; init; } = 1e-4;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public double WarmupRatio { get; init; }
    /// <summary>When set, overrides <see cref="WarmupRatio"/>.</summary>
    public int? WarmupSteps { get; init; }
    public int MaxLength { get; init; } = 2048;
    public int SaveSteps { get; init; } = 500;
    /// <summary>Checkpoints kept (the newest); 0 keeps all.</summary>
    public int SaveTotalLimit { get; init; } = 2;
    public int EvalSteps { get; init; } = 500;
    public ulong Seed { get; init; } = 42;
    /// <summary>A checkpoint-N folder of an earlier run with the same options.</summary>
    public string? Resume { get; init; }
    public LossScale LossScale { get; init; } = LossScale.Default;
    public double MaxGradNorm { get; init; } = 1.0;
}

/// <summary>What the caller sees while a run goes: each step, each evaluation, each folder written.</summary>
public sealed record SftRunObserver
{
    /// <summary>Before the first step: the step the run starts at (after a resume) and the run's total.</summary>
    public Action<int, int>? Started { get; init; }
    public Action<SftStepResult>? Step { get; init; }
    public Action<int, SftEvalResult>? Evaluated { get; init; }
    public Action<string>? Saved { get; init; }
}

/// <summary>How a run ended: <see cref="Interrupted"/> when cancelled (a checkpoint of the last step was written).</summary>
public sealed record SftRunResult(int Steps, int MaxSteps, bool Interrupted, double LastLoss, SftEvalResult? LastEval);
