using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>Callbacks from the training thread to the runner.</summary>
public sealed record SftJobHooks(
    Action<StepMetrics> OnStep,
    Action<int, string, StepMetrics?> OnCheckpoint,
    Func<bool> SaveBeforeStop);

public sealed record SftJobResult(string AdapterFolder, long TrainedTokens, StepMetrics? FinalMetrics);
