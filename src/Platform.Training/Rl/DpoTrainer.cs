using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

/// <summary>
/// Direct Preference Optimisation (Rafailov et al. 2023) on a LoRA-adapted model, top to bottom. Per step: a batch of
/// pairs in micro-batches; for each, the reference log-probabilities with the adapters switched off (no grad, no second
/// copy of the model), then the policy's, the sigmoid loss averaged over the step's pairs; clipping, AdamW.
/// </summary>
public sealed partial class DpoTrainer : IRlTrainer
{
    private readonly Qwen3ForCausalLM model;
    private readonly LoraAdapter adapter;
    private readonly IReadOnlyList<PreferencePair> pairs;
    private readonly SftDataOrder order;
    private readonly PolicyOptimizer optimizer;
    private readonly ILogger logger;

    public DpoTrainer(Qwen3ForCausalLM model, LoraAdapter adapter, IReadOnlyList<PreferencePair> pairs, DpoOptions options, ILogger? logger = null)
    {
        if (pairs.Count == 0) throw new ArgumentException("no preference pairs", nameof(pairs));
        TorchRuntime.EnsureInitialized();
        (this.model, this.adapter, this.pairs, Options) = (model, adapter, pairs, options);
        this.logger = logger ?? NullLogger.Instance;
        order = new SftDataOrder(pairs.Count, options.Training.Seed);
        optimizer = new PolicyOptimizer(model, options.Training);
        random.manual_seed((long)options.Training.Seed);
    }

    public DpoOptions Options { get; }
    public int Step { get; set; }
    public long ExamplesConsumed { get; set; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable => optimizer.Trainable;
    public AdamW Optimizer => optimizer.Optimizer;
    public int MaxSteps => Options.Training.MaxSteps;
    public int ExamplesPerStep => Options.Training.ExamplesPerStep;
    public ulong Seed => Options.Training.Seed;

    public RlStepResult TrainStep(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var batch = Enumerable.Range(0, ExamplesPerStep).Select(i => pairs[order.At(ExamplesConsumed + i)]).ToList();
        var learningRate = optimizer.Begin(Step);
        var totals = new DpoTotals();
        foreach (var micro in batch.Chunk(Options.Training.MicroBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var terms = Forward(micro, training: true);
            totals.Add(terms);
            (terms.Loss.sum() / batch.Count).backward();
        }
        var gradNorm = optimizer.Finish();
        Step++;
        ExamplesConsumed += batch.Count;
        var metrics = totals.Metrics();
        var tokens = batch.Sum(p => (long)p.Chosen.InputIds.Length + p.Rejected.InputIds.Length);
        var result = new RlStepResult(Step, metrics["loss"], gradNorm, learningRate, tokens, Stopwatch.GetElapsedTime(started), metrics, []);
        LogStep(logger, Step, MaxSteps, result.Loss, metrics["rewards/margins"], metrics["rewards/accuracies"], result.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>Loss and rewards of held-out pairs with the current adapter, without gradients.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<PreferencePair> heldOut, CancellationToken cancellationToken = default)
    {
        var wasTraining = model.training;
        var totals = new DpoTotals();
        using (no_grad())
            foreach (var micro in heldOut.Chunk(Options.Training.MicroBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                totals.Add(Forward(micro, training: false));
            }
        if (wasTraining) model.train();
        return totals.Metrics();
    }

    /// <summary>Chosen and rejected sides in one forward (2B sequences), the reference first with LoRA off.</summary>
    private DpoLossTerms Forward(IReadOnlyList<PreferencePair> micro, bool training)
    {
        var sequences = micro.Select(p => p.Chosen).Concat(micro.Select(p => p.Rejected)).ToList();
        var n = micro.Count;
        model.eval();
        Tensor reference;
        using (no_grad())
        using (adapter.Disabled())
            reference = TokenLogProbs.SequenceSums(model, sequences);                                   // (2B)
        if (training) model.train();
        var policy = TokenLogProbs.SequenceSums(model, sequences);                                      // (2B)
        return DpoLoss.Compute(policy[..n], policy[n..], reference[..n], reference[n..], Options.Beta, Options.LabelSmoothing);
    }

    /// <summary>Sums of a step's per-pair terms; <see cref="Metrics"/> averages them under TRL's names.</summary>
    private sealed class DpoTotals
    {
        private double loss, chosen, rejected, correct;
        private int pairs;

        public void Add(DpoLossTerms t)
        {
            loss += t.Loss.detach().sum().item<float>();
            chosen += t.ChosenRewards.sum().item<float>();
            rejected += t.RejectedRewards.sum().item<float>();
            correct += t.ChosenRewards.gt(t.RejectedRewards).sum().item<long>();
            pairs += (int)t.Loss.shape[0];
        }

        public Dictionary<string, double> Metrics() => new()
        {
            ["loss"] = loss / pairs,
            ["rewards/chosen"] = chosen / pairs,
            ["rewards/rejected"] = rejected / pairs,
            ["rewards/margins"] = (chosen - rejected) / pairs,
            ["rewards/accuracies"] = correct / pairs,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DPO step {Step}/{MaxSteps}: loss {Loss:F4}, margin {Margin:F4}, accuracy {Accuracy:F2}, {Milliseconds:F0} ms")]
    private static partial void LogStep(ILogger logger, int step, int maxSteps, double loss, double margin, double accuracy, double milliseconds);

    public void Dispose() => optimizer.Dispose();
}
