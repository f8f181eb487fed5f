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
/// the dataset report as an event, resume from the last checkpoint, checkpoints every SaveSteps (PEFT adapter + trainer
/// state + environment), the final adapter in the job's folder, stops only at step boundaries (after a checkpoint on pause
/// or shutdown). Each step's DPO/GRPO metrics and warnings travel with its <see cref="StepMetrics"/>; with
/// <c>fail_on_warnings</c> a degenerate GRPO step fails the job after it is reported. Reinforcement jobs with a
/// validation file are evaluated on it (graded generations, early stopping) as <see cref="JobEvaluation"/> says.
/// </summary>
public sealed partial class RlJobEngine(BaseModelCache baseModels, WorkerDevice device, ILogger<RlJobEngine> logger)
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
            FlatRewardSteps = s.FlatRewardSteps > 0 ? s.FlatRewardSteps : 3, FailOnWarnings = s.FailOnWarnings,
        };

        var dtype = BaseModelLoader.ParseDtype(run.BaseDtype);
        using var model = baseModels.Create(run.BasePreset ?? run.BasePath!, dtype, cancellationToken);
        var environment = RunEnvironment.Capture(device, baseModels.WeightsSha256(run.BasePreset ?? run.BasePath!, dtype),
            run.BasePath is null ? null : Path.Combine(run.BasePath, "tokenizer.json"));
        var adapter = RlRun.PrepareAdapter(model, options, cancellationToken);
        using var trainer = RlRun.CreateTrainer(options, model, adapter, tokenizer, logger,
            report => { if (run.ResumeFrom is null) hooks.OnNotice(DataNotice.For("training file", report)); }, cancellationToken);
        var evaluation = JobEvaluation.Create(run, tokenizer, Math.Max(1, s.BatchSize * options.NumGenerations), options.EnableThinking,
            hooks.OnNotice, cancellationToken);
        if (run.ResumeFrom is not null) SftCheckpoint.Load(trainer, run.ResumeFrom, cancellationToken);

        StepMetrics? last = null;
        long trainedTokens = 0;
        string Checkpoint(int step) => Path.Combine(run.JobFolder, "checkpoints", $"step-{step:D6}");
        void Save()
        {
            var folder = Checkpoint(trainer.Step);
            SftCheckpoint.Save(trainer, folder);
            adapter.Save(folder);
            environment.WriteTo(folder);
            evaluation?.Stopping?.Save(folder);
            hooks.OnCheckpoint(trainer.Step, folder, last);
        }

        var stoppedEarly = evaluation?.Stopping?.ShouldStop == true;
        while (trainer.Step < trainer.MaxSteps && !stoppedEarly)
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
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var extra = r.Metrics.Where(m => m.Key != "loss").ToDictionary();
            var evaluated = evaluation?.Due(r.Step, trainer.MaxSteps) == true;
            if (evaluated) foreach (var (name, value) in evaluation!.Evaluate(model, tokenizer, CancellationToken.None).Graded) extra[name] = value;
            last = new StepMetrics(r.Step, trainer.MaxSteps, r.Loss, r.LearningRate, r.GradNorm, r.Tokens / Math.Max(seconds, 1e-9), trainedTokens,
                Extra: extra, Warnings: r.Warnings);
            hooks.OnStep(last);
            if (options.FailOnWarnings && r.Degenerate is { } reason) throw new DegenerateTrainingException(r.Step, reason);
            if (evaluated) evaluation!.Observe(last);
            stoppedEarly = evaluation?.Stopping?.ShouldStop == true;
            if (r.Step % s.SaveSteps == 0 || r.Step == trainer.MaxSteps || stoppedEarly || (evaluated && evaluation!.Stopping is not null)) Save();
        }

        var adapterFolder = Path.Combine(run.JobFolder, "adapter");
        var best = evaluation?.Stopping?.BestStep;
        if (best is { } step && step != trainer.Step) JobEvaluation.Promote(Checkpoint(step), adapterFolder);
        else
        {
            adapter.Save(adapterFolder);
            environment.WriteTo(adapterFolder);
        }
        LogDone(logger, run.JobId, s.Method, trainer.Step, last?.TrainLoss ?? double.NaN);
        return new SftJobResult(adapterFolder, trainedTokens, last, evaluation?.Note(trainer.Step, stoppedEarly), best);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Method}) trained {Steps} steps, final loss {Loss:F4}")]
    private static partial void LogDone(ILogger logger, string jobId, string method, int steps, double loss);
}
