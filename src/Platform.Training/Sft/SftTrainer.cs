using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Training.Qwen3;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>
/// Supervised fine-tuning, top to bottom: per step, <see cref="SftOptions.GradientAccumulationSteps"/> micro-batches of
/// weighted next-token loss, normalised by the step's total target weight (so splitting a step into micro-batches does
/// not change it), global-norm clipping, AdamW at the scheduled learning rate.
/// Trains whatever parameters require grad (LoRA adapters, or the whole model).
/// </summary>
public sealed partial class SftTrainer : IResumableTrainer, IDisposable
{
    private readonly Qwen3ForCausalLM model;
    private readonly IReadOnlyList<SftExample> examples;
    private readonly SftDataOrder order;
    private readonly ILogger logger;
    private readonly LogitsWorkspace logitsWorkspace = new();

    public SftTrainer(Qwen3ForCausalLM model, IReadOnlyList<SftExample> examples, SftOptions options, ILogger? logger = null)
    {
        if (examples.Count == 0) throw new ArgumentException("no examples", nameof(examples));
        TorchRuntime.EnsureInitialized();
        this.model = model;
        this.examples = examples;
        Options = options;
        this.logger = logger ?? NullLogger.Instance;
        order = new SftDataOrder(examples.Count, options.Seed);
        Trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (Trainable.Count == 0) throw new ArgumentException("the model has no parameter that requires grad", nameof(model));
        Optimizer = optim.AdamW(Trainable.Select(p => p.Parameter), options.LearningRate, options.AdamBeta1, options.AdamBeta2,
            options.AdamEpsilon, options.WeightDecay);
        random.manual_seed((long)options.Seed);
    }

    public SftOptions Options { get; }
    /// <summary>Optimizer steps taken so far.</summary>
    public int Step { get; internal set; }
    /// <summary>Examples consumed so far: the data position a checkpoint resumes from.</summary>
    public long ExamplesConsumed { get; internal set; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }
    internal AdamW Optimizer { get; }

    AdamW IResumableTrainer.Optimizer => Optimizer;
    int IResumableTrainer.Step { get => Step; set => Step = value; }
    long IResumableTrainer.ExamplesConsumed { get => ExamplesConsumed; set => ExamplesConsumed = value; }
    int IResumableTrainer.MaxSteps => Options.MaxSteps;
    int IResumableTrainer.ExamplesPerStep => Options.ExamplesPerStep;
    ulong IResumableTrainer.Seed => Options.Seed;

    /// <summary>Runs steps until <see cref="SftOptions.MaxSteps"/>; <paramref name="onStep"/> sees each result (checkpoint there).</summary>
    public void Train(Action<SftStepResult>? onStep = null, CancellationToken cancellationToken = default)
    {
        while (Step < Options.MaxSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = TrainStep(cancellationToken); // not inside onStep?.Invoke(…): a null onStep would skip the step
            onStep?.Invoke(result);
        }
    }

    /// <summary>One optimizer step.</summary>
    public SftStepResult TrainStep(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        model.train();
        var batch = Enumerable.Range(0, Options.ExamplesPerStep).Select(i => examples[order.At(ExamplesConsumed + i)]).ToList();
        var totalWeight = batch.Sum(e => e.TargetWeight);
        var learningRate = LearningRateSchedule.At(Step, Options);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;

        using (NewDisposeScope()) Optimizer.zero_grad(); // reads each p.grad too
        double lossSum = 0;
        foreach (var micro in batch.Chunk(Options.MicroBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var weighted = SftLoss.WeightedSum(model, micro, logitsWorkspace);
            lossSum += weighted.item<float>();
            if (totalWeight > 0) (weighted / totalWeight).backward();
        }
        var parameters = Trainable.Select(p => p.Parameter).ToList();
        double gradNorm;
        // each read of p.grad makes a tensor handle; without a scope they pile up until the finalizer (2 per parameter
        // per step, seen in TrainingMemoryTests). An infinite max norm measures without clipping.
        using (NewDisposeScope())
            gradNorm = nn.utils.clip_grad_norm_(parameters.Where(p => p.grad is not null),
                Options.MaxGradNorm > 0 ? Options.MaxGradNorm : double.PositiveInfinity);
        using (NewDisposeScope()) Optimizer.step();

        Step++;
        ExamplesConsumed += batch.Count;
        var loss = totalWeight > 0 ? lossSum / totalWeight : 0;
        var result = new SftStepResult(Step, loss, gradNorm, learningRate, (long)totalWeight, Stopwatch.GetElapsedTime(started));
        LogStep(logger, result.Step, Options.MaxSteps, result.Loss, result.GradNorm, result.LearningRate, result.Elapsed.TotalMilliseconds);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SFT step {Step}/{MaxSteps}: loss {Loss:F4}, grad norm {GradNorm:F3}, lr {LearningRate:E2}, {Milliseconds:F0} ms")]
    private static partial void LogStep(ILogger logger, int step, int maxSteps, double loss, double gradNorm, double learningRate, double milliseconds);

    public void Dispose()
    {
        Optimizer.Dispose();
        logitsWorkspace.Dispose();
    }
}
