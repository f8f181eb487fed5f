using System.Diagnostics;
using Platform.Domain.Jobs;
using Platform.Training;
using Platform.Training.Checkpoints;
using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Worker;

/// <summary>
/// Adapts a dpo or reinforcement job's assignment to the training engine, with <see cref="SftJobEngine"/>'s rules:
/// resume from the last checkpoint, checkpoints every SaveSteps (PEFT adapter + trainer state), the final adapter
/// in the job's folder, stops only at step boundaries (after a checkpoint on pause or shutdown). Each step's DPO/GRPO
/// metrics and warnings travel with its <see cref="StepMetrics"/>.
/// </summary>
public sealed partial class RlJobEngine(BaseModelCache baseModels, ILogger<RlJobEngine> logger)
{
    public SftJobResult Run(RunAssignment run, SftJobHooks hooks, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureInitialized();
        var s = run.Settings;
        var tokenizer = run.BasePath is null ? Qwen3Tokenizer.Load() : Qwen3Tokenizer.Load(Path.Combine(run.BasePath, "tokenizer.json"));
        var options = new RlRunOptions
        {
            Type = s.Method == "dpo" ? RlhfType.Dpo : RlhfType.Grpo, Model = run.BaseModel, Dataset = run.TrainingFilePath, Output = run.JobFolder,
            Lora = new LoraConfig { Rank = s.LoraRank, Alpha = s.LoraAlpha, Dropout = s.LoraDropout, TargetModules = s.TargetModules },
            Epochs = s.NEpochs, BatchSize = s.BatchSize, LearningRate = s.LearningRate, Schedule = LearningRateScheduleKind.Linear,
            MaxLength = s.MaxLength, Seed = (ulong)run.Seed, Beta = s.Beta,
            Grader = s.Grader is null ? null : GraderParser.Parse(s.Grader),
            NumGenerations = Math.Max(2, s.NumGenerations), Epsilon = s.Epsilon > 0 ? s.Epsilon : 0.2,
            MaxCompletionLength = Math.Max(1, s.MaxCompletionLength),
        };

        using var model = baseModels.Create(run.BasePreset ?? run.BasePath!, BaseModelLoader.ParseDtype(run.BaseDtype), cancellationToken);
        var adapter = RlRun.PrepareAdapter(model, options, cancellationToken);
        using var trainer = RlRun.CreateTrainer(options, model, adapter, tokenizer, logger, cancellationToken);
        if (run.ResumeFrom is not null) SftCheckpoint.Load(trainer, run.ResumeFrom, cancellationToken);

        StepMetrics? last = null;
        long trainedTokens = 0;
        void Save()
        {
            var folder = Path.Combine(run.JobFolder, "checkpoints", $"step-{trainer.Step:D6}");
            SftCheckpoint.Save(trainer, folder);
            adapter.Save(folder);
            hooks.OnCheckpoint(trainer.Step, folder, last);
        }

        while (trainer.Step < trainer.MaxSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (hooks.SaveBeforeStop() && trainer.Step > (run.ResumeStep ?? 0)) Save();
                cancellationToken.ThrowIfCancellationRequested();
            }
            var started = Stopwatch.GetTimestamp();
            var r = trainer.TrainStep(CancellationToken.None);
            if (!double.IsFinite(r.Loss)) throw new NonFiniteLossException(r.Step, r.Loss);
            trainedTokens += r.Tokens;
            last = new StepMetrics(r.Step, trainer.MaxSteps, r.Loss, r.LearningRate, r.GradNorm,
                r.Tokens / Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-9), trainedTokens,
                Extra: r.Metrics.Where(m => m.Key != "loss").ToDictionary(), Warnings: r.Warnings);
            hooks.OnStep(last);
            if (r.Step % s.SaveSteps == 0 || r.Step == trainer.MaxSteps) Save();
        }

        var adapterFolder = Path.Combine(run.JobFolder, "adapter");
        adapter.Save(adapterFolder);
        LogDone(logger, run.JobId, s.Method, trainer.Step, last?.TrainLoss ?? double.NaN);
        return new SftJobResult(adapterFolder, trainedTokens, last);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Method}) trained {Steps} steps, final loss {Loss:F4}")]
    private static partial void LogDone(ILogger logger, string jobId, string method, int steps, double loss);
}
