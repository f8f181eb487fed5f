using Platform.Domain.Jobs;
using Platform.Training.Evaluation;
using Platform.Training.Graders;
using Platform.Training.Qwen3;
using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Worker;

/// <summary>
/// A job's evaluation in the loop (our extension): every EvalSteps and at the last step, on the validation file, the
/// loss and token accuracy (supervised) and, with a grader, the reward of greedy generations (supervised and
/// reinforcement). With early stopping, each evaluation is also a checkpoint, <see cref="EarlyStopping"/> decides when to
/// stop, and the best checkpoint's model files are what the job publishes.
/// </summary>
internal sealed class JobEvaluation
{
    private readonly List<SftExample>? examples;
    private readonly List<EvalPrompt>? prompts;
    private readonly ICompletionScorer? scorer;
    private readonly int every, batchSize, maxCompletionLength;

    private JobEvaluation(int every, int batchSize, int maxCompletionLength, List<SftExample>? examples, List<EvalPrompt>? prompts,
        ICompletionScorer? scorer, EarlyStopping? stopping) =>
        (this.every, this.batchSize, this.maxCompletionLength, this.examples, this.prompts, this.scorer, Stopping) =
        (every, batchSize, maxCompletionLength, examples, prompts, scorer, stopping);

    public EarlyStopping? Stopping { get; }

    /// <summary>The job's evaluation, or null when it has no validation file (or is DPO, which has none).</summary>
    public static JobEvaluation? Create(RunAssignment run, Qwen3Tokenizer tokenizer, int batchSize, bool enableThinking,
        Action<JobNotice> notice, CancellationToken cancellationToken)
    {
        var s = run.Settings;
        if (run.ValidationFilePath is not { } path || s.Method == "dpo") return null;
        List<SftExample>? examples = null;
        List<EvalPrompt>? prompts;
        if (s.Method == "supervised")
        {
            var loaded = ChatSftDataset.Read(path, tokenizer, s.MaxLength, LossScale.Default, cancellationToken);
            if (run.ResumeFrom is null) notice(DataNotice.For("validation file", loaded.Report));
            examples = loaded.Examples;
            var chat = s.Grader is null ? null : EvalPrompts.FromChatFile(path, s.MaxLength, cancellationToken);
            if (chat is not null && run.ResumeFrom is null && !chat.Report.Clean) notice(DataNotice.For("validation file (graded generations)", chat.Report));
            prompts = chat?.Examples;
        }
        else prompts = EvalPrompts.FromPromptFile(path, enableThinking, cancellationToken);
        var scorer = s.Grader is null ? null : new GraderScorer(GraderParser.Parse(s.Grader));
        var stopping = s.EarlyStopping is { } e
            ? EarlyStopping.Resume(new EarlyStoppingOptions(e.Metric!, e.Patience ?? 3, e.MinDelta ?? 0), run.ResumeFrom)
            : null;
        return new JobEvaluation(Math.Max(1, s.EvalSteps ?? s.SaveSteps), batchSize, Math.Max(1, s.MaxCompletionLength), examples, prompts, scorer, stopping);
    }

    public bool Due(int step, int maxSteps) => step % every == 0 || step == maxSteps;

    /// <summary>Validation loss and token accuracy (supervised), plus the graded metrics (valid_reward, …) with a grader.</summary>
    public (double? Loss, double? TokenAccuracy, Dictionary<string, double> Graded) Evaluate(Qwen3ForCausalLM model, Qwen3Tokenizer tokenizer,
        CancellationToken cancellationToken)
    {
        var sft = examples is null ? null : SftEvaluation.Evaluate(model, examples, batchSize, cancellationToken);
        var graded = prompts is { Count: > 0 } && scorer is not null
            ? GradedEvaluation.Evaluate(model, tokenizer, scorer, prompts, maxCompletionLength, batchSize, cancellationToken)
            : [];
        return (sft?.Loss, sft?.TokenAccuracy, graded);
    }

    /// <summary>Feeds an evaluated step to early stopping.</summary>
    public void Observe(StepMetrics m)
    {
        if (Stopping is null) return;
        var value = Stopping.Options.Metric switch
        {
            EarlyStoppingOptions.ValidLoss => m.ValidLoss,
            EarlyStoppingOptions.ValidTokenAccuracy => m.ValidMeanTokenAccuracy,
            _ => m.Extra?.GetValueOrDefault(EarlyStoppingOptions.ValidReward),
        };
        Stopping.Observe(m.Step, value ?? double.NaN);
    }

    /// <summary>Why the published model is the best checkpoint rather than the last step (null when they are the same).</summary>
    public string? Note(int lastStep, bool stoppedEarly)
    {
        if (Stopping is not { BestStep: { } best } s) return null;
        var o = s.Options;
        var what = $"the best checkpoint (step {best}, {o.Metric}={s.Best:0.####}) is the fine-tuned model";
        return stoppedEarly
            ? $"Early stopping at step {lastStep}: {o.Metric} did not improve by more than {o.MinDelta:0.####} for {o.Patience} evaluations; {what}"
            : best == lastStep ? null : $"Training completed; {what}";
    }

    /// <summary>Copies a checkpoint's model files (not its trainer state) into <paramref name="output"/>, replacing what is there.</summary>
    public static void Promote(string checkpoint, string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Directory.CreateDirectory(output);
        foreach (var file in Directory.GetFiles(checkpoint))
        {
            var name = Path.GetFileName(file);
            if (!SftCheckpoint.IsTrainerState(name) && name != EarlyStopping.FileName) File.Copy(file, Path.Combine(output, name));
        }
    }
}
