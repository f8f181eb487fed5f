namespace Platform.Training.Sft;

public enum LearningRateScheduleKind
{
    Constant,
    Linear,
    Cosine,
}

/// <summary>Hyper-parameters of one SFT run (names as HF TrainingArguments where there is one).</summary>
public sealed record SftOptions
{
    /// <summary>Examples per forward/backward.</summary>
    public int MicroBatchSize { get; init; } = 4;
    /// <summary>Micro-batches per optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;
    /// <summary>Optimizer steps of the whole run; the schedule's length.</summary>
    public int MaxSteps { get; init; } = 100;
    public double LearningRate { get; init; } = 2e-4;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public int WarmupSteps { get; init; }
    public double WeightDecay { get; init; }
    public double AdamBeta1 { get; init; } = 0.9;
    public double AdamBeta2 { get; init; } = 0.999;
    public double AdamEpsilon { get; init; } = 1e-8;
    /// <summary>Clip the global gradient L2 norm to this; 0 = no clipping.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seeds the data order and torch's global generator (dropout).</summary>
    public ulong Seed { get; init; }

    public int ExamplesPerStep => MicroBatchSize * GradientAccumulationSteps;

    /// <summary>Steps for <paramref name="epochs"/> passes over <paramref name="examples"/> examples.</summary>
    public static int StepsFor(double epochs, int examples, int examplesPerStep) =>
        (int)Math.Ceiling(epochs * examples / examplesPerStep);
}

/// <summary>What one optimizer step did.</summary>
public sealed record SftStepResult(int Step, double Loss, double GradNorm, double LearningRate, long TargetTokens, TimeSpan Elapsed);
