using Microsoft.Extensions.Logging;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Text;

namespace Platform.Training.Sft;

/// <summary>
/// ms-swift's <c>swift sft</c> on files: load the base and the datasets, train, evaluate every EvalSteps, write
/// <c>checkpoint-N</c> (adapter or HF weights + <see cref="SftCheckpoint"/>) every SaveSteps keeping the newest
/// SaveTotalLimit, and the final adapter (PEFT) or full HF folder into Output. Cancellation stops at a step boundary
/// after saving a checkpoint.
/// </summary>
public static class SftRun
{
    public static SftRunResult Run(SftRunOptions options, SftRunObserver? observer = null, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        observer ??= new SftRunObserver();
        var tokenizer = BaseModelLoader.LoadTokenizer(options.Model);
        var examples = Read(options.Dataset, tokenizer, options, logger, cancellationToken);
        var validation = options.ValDataset is { } val ? Read(val, tokenizer, options, logger, cancellationToken) : null;
        using var model = BaseModelLoader.Load(options.Model, cancellationToken: cancellationToken);
        var adapter = options.FullFineTune ? null
            : LoraAdapter.Apply(model, options.Lora with { BaseModelNameOrPath = options.Model }, options.Seed);
        if (adapter is null) foreach (var parameter in model.parameters()) parameter.requires_grad = true;

        var maxSteps = SftOptions.StepsFor(options.Epochs, examples.Count, options.BatchSize * options.GradientAccumulationSteps);
        var trainerOptions = new SftOptions
        {
            MicroBatchSize = options.BatchSize,
            GradientAccumulationSteps = options.GradientAccumulationSteps,
            MaxSteps = maxSteps,
            LearningRate = options.LearningRate,
            Schedule = options.Schedule,
            WarmupSteps = options.WarmupSteps ?? (int)Math.Ceiling(options.WarmupRatio * maxSteps),
            MaxGradNorm = options.MaxGradNorm,
            Seed = options.Seed,
        };
        using var trainer = new SftTrainer(model, examples, trainerOptions, logger);
        if (options.Resume is { } resume) SftCheckpoint.Load(trainer, resume, cancellationToken);

        observer.Started?.Invoke(trainer.Step, maxSteps);
        SftStepResult? last = null;
        SftEvalResult? eval = null;
        while (trainer.Step < maxSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (trainer.Step > 0) SaveCheckpoint(trainer, model, adapter, options, observer);
                return new SftRunResult(trainer.Step, maxSteps, Interrupted: true, last?.Loss ?? double.NaN, eval);
            }
            last = trainer.TrainStep(CancellationToken.None); // a started step always finishes: stop only at boundaries
            observer.Step?.Invoke(last);
            var final = trainer.Step == maxSteps;
            if (validation is not null && (trainer.Step % options.EvalSteps == 0 || final))
            {
                eval = SftEvaluation.Evaluate(model, validation, options.BatchSize, CancellationToken.None); // as a step: finish, then stop
                observer.Evaluated?.Invoke(trainer.Step, eval);
            }
            if (trainer.Step % options.SaveSteps == 0 || final) SaveCheckpoint(trainer, model, adapter, options, observer);
        }
        SaveFinal(model, adapter, options);
        observer.Saved?.Invoke(options.Output);
        return new SftRunResult(trainer.Step, maxSteps, Interrupted: false, last?.Loss ?? double.NaN, eval);
    }

    /// <summary>The dataset's examples; what truncation cut and any row left out are logged, never dropped silently.</summary>
    private static List<SftExample> Read(string path, Qwen3Tokenizer tokenizer, SftRunOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        var (examples, report) = ChatSftDataset.Read(path, tokenizer, options.MaxLength, options.LossScale, cancellationToken);
        if (!report.Clean) logger?.LogWarning("{Report}", report.Describe(Path.GetFileName(path)));
        return examples;
    }

    private static void SaveCheckpoint(SftTrainer trainer, Qwen3ForCausalLM model, LoraAdapter? adapter, SftRunOptions options,
        SftRunObserver observer)
    {
        var directory = Path.Combine(options.Output, $"checkpoint-{trainer.Step}");
        if (adapter is not null) adapter.Save(directory);
        else HfModelFolder.Save(model, directory);
        SftCheckpoint.Save(trainer, directory);
        observer.Saved?.Invoke(directory);
        SftCheckpoint.Prune(options.Output, options.SaveTotalLimit);
    }

    private static void SaveFinal(Qwen3ForCausalLM model, LoraAdapter? adapter, SftRunOptions options)
    {
        if (adapter is not null) { adapter.Save(options.Output); return; }
        HfModelFolder.Save(model, options.Output);
        if (!BaseModelLoader.IsPreset(options.Model)) TokenizerFiles.Copy(options.Model, options.Output);
    }
}
