using Microsoft.Extensions.Logging;
using Platform.Training.Checkpoints;
using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Rl;

/// <summary>
/// ms-swift's <c>swift rlhf</c> on files, with <see cref="SftRun"/>'s checkpoint rules: <c>checkpoint-N</c> (PEFT adapter
/// + trainer state) every SaveSteps keeping the newest SaveTotalLimit, the final adapter in Output, Ctrl-C stops at a
/// step boundary after saving, <c>Resume</c> continues exactly (GRPO's sampling seeds derive from the step).
/// </summary>
public static class RlRun
{
    public static RlRunResult Run(RlRunOptions options, RlRunObserver? observer = null, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        observer ??= new RlRunObserver();
        var tokenizer = BaseModelLoader.LoadTokenizer(options.Model);
        using var model = BaseModelLoader.Load(options.Model, cancellationToken: cancellationToken);
        var adapter = PrepareAdapter(model, options, cancellationToken);
        using var trainer = CreateTrainer(options, model, adapter, tokenizer, logger,
            report => { if (!report.Clean) logger?.LogWarning("{Report}", report.Describe(Path.GetFileName(options.Dataset))); }, cancellationToken);
        if (options.Resume is { } resume) SftCheckpoint.Load(trainer, resume, cancellationToken);

        observer.Started?.Invoke(trainer.Step, trainer.MaxSteps);
        RlStepResult? last = null;
        while (trainer.Step < trainer.MaxSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (trainer.Step > 0) SaveCheckpoint(trainer, adapter, options, observer);
                return new RlRunResult(trainer.Step, trainer.MaxSteps, Interrupted: true, last);
            }
            last = trainer.TrainStep(CancellationToken.None); // a started step always finishes: stop only at boundaries
            observer.Step?.Invoke(last);
            if (options.FailOnWarnings && last.Degenerate is { } reason) throw new DegenerateTrainingException(last.Step, reason);
            if (trainer.Step % options.SaveSteps == 0 || trainer.Step == trainer.MaxSteps) SaveCheckpoint(trainer, adapter, options, observer);
        }
        adapter.Save(options.Output);
        observer.Saved?.Invoke(options.Output);
        return new RlRunResult(trainer.Step, trainer.MaxSteps, Interrupted: false, last);
    }

    /// <summary>Merges <see cref="RlRunOptions.Adapter"/> (an SFT result) into the base, then adds the adapter to train.</summary>
    public static LoraAdapter PrepareAdapter(Qwen3ForCausalLM model, RlRunOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Adapter is { } sft) LoraAdapter.Load(model, sft, cancellationToken: cancellationToken).MergeAndUnload();
        return LoraAdapter.Apply(model, options.Lora with { BaseModelNameOrPath = options.Model }, options.Seed);
    }

    /// <summary>Loads the dataset and builds the DPO or GRPO trainer the options describe (the run's length included).</summary>
    /// <param name="dataReport">Sees what loading did to the dataset's rows (truncated, skipped with reasons).</param>
    public static IRlTrainer CreateTrainer(RlRunOptions o, Qwen3ForCausalLM model, LoraAdapter adapter, Qwen3Tokenizer tokenizer,
        ILogger? logger = null, Action<DatasetReport>? dataReport = null, CancellationToken cancellationToken = default)
    {
        if (o.Type == RlhfType.Dpo)
        {
            var (pairs, report) = PreferenceDataset.Read(o.Dataset, tokenizer, o.MaxLength, cancellationToken);
            dataReport?.Invoke(report);
            var steps = SftOptions.StepsFor(o.Epochs, pairs.Count, o.BatchSize * o.GradientAccumulationSteps);
            return new DpoTrainer(model, adapter, pairs, new DpoOptions
            {
                Beta = o.Beta ?? 0.1, LabelSmoothing = o.LabelSmoothing,
                Training = new SftOptions
                {
                    MicroBatchSize = o.BatchSize, GradientAccumulationSteps = o.GradientAccumulationSteps, MaxSteps = steps,
                    LearningRate = o.LearningRate, Schedule = o.Schedule, WarmupSteps = (int)Math.Ceiling(o.WarmupRatio * steps),
                    MaxGradNorm = o.MaxGradNorm, Seed = o.Seed,
                },
            }, logger);
        }
        var grader = o.Grader ?? throw new ArgumentException("GRPO needs a grader (reward functions)", nameof(o));
        var prompts = PromptDataset.Load(o.Dataset, cancellationToken);
        dataReport?.Invoke(new DatasetReport(prompts.Count, 0, 0, o.MaxLength, []));
        var rolloutSteps = SftOptions.StepsFor(o.Epochs, prompts.Count, o.BatchSize);
        return new GrpoTrainer(model, adapter, tokenizer, prompts, new GraderScorer(grader), new GrpoOptions
        {
            PromptsPerStep = o.BatchSize, NumGenerations = o.NumGenerations, MaxCompletionLength = o.MaxCompletionLength,
            Temperature = o.Temperature, TopP = o.TopP, Epsilon = o.Epsilon, EpsilonHigh = o.EpsilonHigh, Beta = o.Beta ?? 0.04,
            LossType = o.LossType, ScaleRewards = o.ScaleRewards, NumIterations = o.NumIterations, EnableThinking = o.EnableThinking,
            MaxSteps = rolloutSteps, LearningRate = o.LearningRate, Schedule = o.Schedule,
            WarmupSteps = (int)Math.Ceiling(o.WarmupRatio * rolloutSteps), MaxGradNorm = o.MaxGradNorm, Seed = o.Seed,
            FlatRewardSteps = o.FlatRewardSteps,
        }, logger);
    }

    private static void SaveCheckpoint(IRlTrainer trainer, LoraAdapter adapter, RlRunOptions options, RlRunObserver observer)
    {
        var directory = Path.Combine(options.Output, $"checkpoint-{trainer.Step}");
        adapter.Save(directory);
        SftCheckpoint.Save(trainer, directory);
        observer.Saved?.Invoke(directory);
        SftCheckpoint.Prune(options.Output, options.SaveTotalLimit);
    }
}
