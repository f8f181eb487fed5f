using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>Callbacks from the training thread to the runner.</summary>
public sealed record SftJobHooks(
    Action<StepMetrics> OnStep,
    Action<int, string, StepMetrics?> OnCheckpoint,
    Func<bool> SaveBeforeStop,
    Action<JobNotice> OnNotice);

/// <summary>
/// What a run produced: the model folder to publish, tokens trained, and the metrics to publish with it; with early
/// stopping, the promoted checkpoint's step and the note that explains it.
/// </summary>
public sealed record SftJobResult(string AdapterFolder, long TrainedTokens, StepMetrics? FinalMetrics, string? Note = null, int? PromotedStep = null);
