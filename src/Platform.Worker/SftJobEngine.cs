using System.Diagnostics;
using Platform.Domain.Jobs;
using Platform.Training;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Text;
using static TorchSharp.torch;

namespace Platform.Worker;

/// <summary>
/// Adapts a job's assignment to the training engine: base model, chat dataset, LoRA or full fine-tuning,
/// resume from the last checkpoint, checkpoints every SaveSteps (PEFT adapter + trainer state, so a checkpoint is
/// also a usable model), validation loss at checkpoints, the final adapter in the job's folder.
/// Stops only at step boundaries; on a pause (or shutdown) it saves a checkpoint first.
/// </summary>
public sealed partial class SftJobEngine(BaseModelCache baseModels, WorkerDevice device, ILogger<SftJobEngine> logger)
{
    public SftJobResult Run(RunAssignment run, SftJobHooks hooks, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureInitialized();
        var s = run.Settings;
        var tokenizer = run.BasePath is null ? Qwen3Tokenizer.Load() : Qwen3Tokenizer.Load(Path.Combine(run.BasePath, "tokenizer.json"));
        var examples = ChatSftDataset.Load(run.TrainingFilePath, tokenizer, s.MaxLength, cancellationToken);
        var validation = run.ValidationFilePath is null ? null : ChatSftDataset.Load(run.ValidationFilePath, tokenizer, s.MaxLength, cancellationToken);
        var tokensPerExample = examples.Average(e => (double)e.InputIds.Length);

        using var model = baseModels.Create(run.BasePreset ?? run.BasePath!, BaseModelLoader.ParseDtype(run.BaseDtype), cancellationToken);
        var environment = RunEnvironment.Capture(device, baseModels.WeightsSha256(run.BasePreset ?? run.BasePath!, BaseModelLoader.ParseDtype(run.BaseDtype)),
            run.BasePath is null ? null : Path.Combine(run.BasePath, "tokenizer.json"));
        var adapter = s.TrainType == "lora"
            ? LoraAdapter.Apply(model, new LoraConfig
            {
                Rank = s.LoraRank, Alpha = s.LoraAlpha, Dropout = s.LoraDropout, TargetModules = s.TargetModules, BaseModelNameOrPath = run.BaseModel,
            }, seed: (ulong)run.Seed)
            : null;
        var options = new SftOptions
        {
            MicroBatchSize = s.EffectiveMicroBatch,
            GradientAccumulationSteps = s.GradientAccumulation,
            MaxSteps = SftOptions.StepsFor(s.NEpochs, examples.Count, s.BatchSize),
            LearningRate = s.LearningRate,
            Schedule = LearningRateScheduleKind.Linear,
            Seed = (ulong)run.Seed,
        };
        using var trainer = new SftTrainer(model, examples, options, logger);
        if (run.ResumeFrom is not null) SftCheckpoint.Load(trainer, run.ResumeFrom, cancellationToken);

        StepMetrics? last = null;
        void Save()
        {
            var folder = Path.Combine(run.JobFolder, "checkpoints", $"step-{trainer.Step:D6}");
            SftCheckpoint.Save(trainer, folder);
            SaveModel(model, adapter, folder);
            environment.WriteTo(folder);
            hooks.OnCheckpoint(trainer.Step, folder, last);
        }

        while (trainer.Step < options.MaxSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (hooks.SaveBeforeStop() && trainer.Step > (run.ResumeStep ?? 0)) Save();
                cancellationToken.ThrowIfCancellationRequested();
            }
            var started = Stopwatch.GetTimestamp();
            var r = trainer.TrainStep(CancellationToken.None);
            if (!double.IsFinite(r.Loss)) throw new NonFiniteLossException(r.Step, r.Loss);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var checkpointDue = r.Step % s.SaveSteps == 0 || r.Step == options.MaxSteps;
            double? validLoss = checkpointDue && validation is not null ? ValidationLoss(model, validation) : null;
            last = new StepMetrics(r.Step, options.MaxSteps, r.Loss, r.LearningRate, r.GradNorm,
                options.ExamplesPerStep * tokensPerExample / Math.Max(seconds, 1e-9),
                (long)(trainer.ExamplesConsumed * tokensPerExample), validLoss);
            hooks.OnStep(last);
            if (checkpointDue) Save();
        }

        var adapterFolder = Path.Combine(run.JobFolder, "adapter");
        SaveModel(model, adapter, adapterFolder);
        environment.WriteTo(adapterFolder);
        LogDone(logger, run.JobId, trainer.Step, last?.TrainLoss ?? double.NaN);
        return new SftJobResult(adapterFolder, (long)(trainer.ExamplesConsumed * tokensPerExample), last);
    }

    private static void SaveModel(Qwen3ForCausalLM model, LoraAdapter? adapter, string folder)
    {
        if (adapter is not null) adapter.Save(folder);
        else HfModelFolder.Save(model, folder);
    }

    /// <summary>Mean loss per target token over the validation set, without gradients.</summary>
    private static double ValidationLoss(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples)
    {
        model.eval();
        using var _ = no_grad();
        double sum = 0, weight = 0;
        foreach (var chunk in examples.Chunk(4))
        {
            using var scope = NewDisposeScope();
            sum += SftLoss.WeightedSum(model, chunk).item<float>();
            weight += chunk.Sum(e => e.TargetWeight);
        }
        model.train();
        return weight > 0 ? sum / weight : double.NaN;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} trained {Steps} steps, final loss {Loss:F4}")]
    private static partial void LogDone(ILogger logger, string jobId, int steps, double loss);
}
