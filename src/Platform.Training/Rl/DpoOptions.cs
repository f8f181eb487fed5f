using Platform.Training.Sft;

namespace Platform.Training.Rl;

/// <summary>DPO's hyper-parameters (TRL's DPOConfig names) on top of the optimisation settings SFT uses.</summary>
public sealed record DpoOptions
{
    /// <summary>Micro-batch = pairs per forward (each pair is two sequences); MaxSteps, learning rate, schedule, seed as SFT.</summary>
    public required SftOptions Training { get; init; }
    /// <summary>Strength of the implicit KL constraint: higher stays closer to the reference.</summary>
    public double Beta { get; init; } = 0.1;
    /// <summary>cDPO's ε: the assumed share of preference labels that are flipped.</summary>
    public double LabelSmoothing { get; init; }
}
