using System.Diagnostics;
using Platform.Domain.Jobs;
using Platform.Training;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Worker;

/// <summary>
/// Adapts a job's assignment to the training engine: base model, chat dataset (what truncation cut and any row left
/// out reported as an event), LoRA or full fine-tuning, resume from the last checkpoint, checkpoints every SaveSteps
/// (PEFT adapter + trainer state, so a checkpoint is also a usable model), evaluation on the validation file every
/// EvalSteps (<see cref="JobEvaluation"/>: loss, token accuracy, graded generations; early stopping), the final
/// adapter — or, with early stopping, the best checkpoint's — in the job's folder.
/// Stops only at step boundaries; on a pause (or shutdown) it saves a checkpoint first.
/// </summary>
public sealed partial class SftJobEngine(BaseModelCache baseModels, WorkerDevice device, ILogger<SftJobEngine> logger)
{
    public SftJobResult Run(RunAssignment run, SftJobHooks hooks, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureInitialized();
        var s = run.Settings;
        var tokenizer = run.BasePath is null ? Qwen3Tokenizer.Load() : Qwen3Tokenizer.Load(Path.Combine(run.BasePath, "tokenizer.json"));
        var (examples, report) = ChatSftDataset.Read(run.TrainingFilePath, tokenizer, s.MaxLength, LossScale.Default, cancellationToken);
        if (run.ResumeFrom is null) hooks.OnNotice(DataNotice.For("training file", report));
        var evaluation = JobEvaluation.Create(run, tokenizer, s.EffectiveMicroBatch, enableThinking: true, hooks.OnNotice, cancellationToken);
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
        string Checkpoint(int step) => Path.Combine(run.JobFolder, "checkpoints", $"step-{step:D6}");
        void Save()
        {
            var folder = Checkpoint(trainer.Step);
            SftCheckpoint.Save(trainer, folder);
            SaveModel(model, adapter, folder);
            environment.WriteTo(folder);
            evaluation?.Stopping?.Save(folder);
            hooks.OnCheckpoint(trainer.Step, folder, last);
        }

        var stoppedEarly = evaluation?.Stopping?.ShouldStop == true;  // a resumed run that had already decided
        while (trainer.Step < options.MaxSteps && !stoppedEarly)
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
            var evaluated = evaluation?.Due(r.Step, options.MaxSteps) == true;
            var (validLoss, validAccuracy, graded) = evaluated ? evaluation!.Evaluate(model, tokenizer, CancellationToken.None) : (null, null, []);
            last = new StepMetrics(r.Step, options.MaxSteps, r.Loss, r.LearningRate, r.GradNorm,
                options.ExamplesPerStep * tokensPerExample / Math.Max(seconds, 1e-9),
                (long)(trainer.ExamplesConsumed * tokensPerExample), validLoss, ValidMeanTokenAccuracy: validAccuracy,
                Extra: graded.Count > 0 ? graded : null);
            hooks.OnStep(last);
            if (evaluated) evaluation!.Observe(last);
            stoppedEarly = evaluation?.Stopping?.ShouldStop == true;
            var checkpointDue = r.Step % s.SaveSteps == 0 || r.Step == options.MaxSteps || stoppedEarly || (evaluated && evaluation!.Stopping is not null);
            if (checkpointDue) Save();
        }

        var adapterFolder = Path.Combine(run.JobFolder, "adapter");
        var best = evaluation?.Stopping?.BestStep;
        if (best is { } step && step != trainer.Step) JobEvaluation.Promote(Checkpoint(step), adapterFolder);
        else
        {
            SaveModel(model, adapter, adapterFolder);
            environment.WriteTo(adapterFolder);
        }
        LogDone(logger, run.JobId, trainer.Step, last?.TrainLoss ?? double.NaN);
        return new SftJobResult(adapterFolder, (long)(trainer.ExamplesConsumed * tokensPerExample), last,
            evaluation?.Note(trainer.Step, stoppedEarly), best);
    }

    private static void SaveModel(Qwen3ForCausalLM model, LoraAdapter? adapter, string folder)
    {
        if (adapter is not null) adapter.Save(folder);
        else HfModelFolder.Save(model, folder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} trained {Steps} steps, final loss {Loss:F4}")]
    private static partial void LogDone(ILogger logger, string jobId, int steps, double loss);
}
