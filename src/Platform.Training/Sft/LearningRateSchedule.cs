namespace Platform.Training.Sft;

/// <summary>
/// The learning rate of optimizer step <c>step</c> (0 for the first update), as HF's get_*_schedule_with_warmup
/// (LambdaLR): a linear warm-up from 0, then constant, linear to 0, or half a cosine to 0 at the last step.
/// </summary>
public static class LearningRateSchedule
{
    public static double At(int step, SftOptions options)
    {
        var (peak, warmup, total) = (options.LearningRate, options.WarmupSteps, options.MaxSteps);
        if (step < warmup) return peak * step / Math.Max(1, warmup);
        var progress = (double)(step - warmup) / Math.Max(1, total - warmup);
        return options.Schedule switch
        {
            LearningRateScheduleKind.Constant => peak,
            LearningRateScheduleKind.Linear => peak * Math.Max(0, 1 - progress),
            LearningRateScheduleKind.Cosine => peak * Math.Max(0, 0.5 * (1 + Math.Cos(Math.PI * progress))),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, null),
        };
    }
}
