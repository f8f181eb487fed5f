using Platform.Training.Evaluation;
using static Platform.Domain.Jobs.JobSettingsResolver;

namespace Platform.Domain.Jobs;

/// <summary>
/// Our evaluation extensions to job creation (<c>eval_steps</c>, <c>early_stopping</c>): checked, and resolved so the
/// job records every value. Evaluation runs on the validation file: supervised jobs report loss and token accuracy
/// (and, with a grader, the reward of graded generations); reinforcement jobs the reward of graded generations.
/// </summary>
internal static class JobEvaluationRules
{
    public static (int? EvalSteps, EarlyStoppingSettings? EarlyStopping) Resolve(CreateJob r, int saveSteps)
    {
        if (r.EvalSteps is null && r.EarlyStopping is null) return (r.ValidationFile is null || r.Method == "dpo" ? null : saveSteps, null);
        var param = r.EarlyStopping is null ? "eval_steps" : "early_stopping";
        if (r.Method == "dpo") throw Invalid("Evaluation during training (eval_steps, early_stopping) is available for the supervised and reinforcement methods.", param);
        if (r.ValidationFile is null) throw Invalid($"{param} evaluates the validation file; add a validation_file.", "validation_file");
        Check(r.EvalSteps, 1, 1_000_000, "eval_steps");
        var evalSteps = r.EvalSteps ?? saveSteps;
        if (r.EarlyStopping is not { } e) return (evalSteps, null);

        string[] allowed = r.Method == "reinforcement" ? [EarlyStoppingOptions.ValidReward]
            : r.Grader is null ? [EarlyStoppingOptions.ValidLoss, EarlyStoppingOptions.ValidTokenAccuracy]
            : EarlyStoppingOptions.Metrics;
        var metric = e.Metric ?? allowed[0];
        if (!allowed.Contains(metric))
            throw Invalid($"early_stopping.metric '{metric}' is not one of {string.Join(", ", allowed)}" +
                          (metric == EarlyStoppingOptions.ValidReward ? " (valid_reward needs a grader)" : "") + ".", "early_stopping.metric");
        Check(e.Patience, 1, 1000, "early_stopping.patience");
        if (e.MinDelta is { } d && (!double.IsFinite(d) || d < 0)) throw Invalid("early_stopping.min_delta must be a number >= 0.", "early_stopping.min_delta");
        return (evalSteps, new EarlyStoppingSettings(metric, e.Patience ?? 3, e.MinDelta ?? 0));
    }
}
