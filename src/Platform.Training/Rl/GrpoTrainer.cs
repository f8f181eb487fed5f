// Group Relative Policy Optimization: Shao et al. 2024, "DeepSeekMath" (arXiv:2402.03300), §4.1, outcome supervision.
// Where this departs from the paper:
//  1. The reference policy is the base model with the LoRA adapters switched off, never refreshed (the paper's iterative
//     GRPO resets π_ref to the current policy). Train from an SFT model by merging its adapter into the base first.
//  2. Rewards come from rule-based graders (string_check, accuracy, regex, …), not a learned reward model.
//  3. Advantages divide by (std + 1e-4), std unbiased, as TRL; ScaleRewards=false drops the division (Dr. GRPO).
//  4. The per-token reduction is selectable: Grpo (the paper's 1/G Σ 1/|o_i| Σ_t), DrGrpo or Dapo (TRL's loss_type).
//  5. The clip range may be asymmetric (EpsilonHigh, DAPO's clip-higher); KL is the paper's k3 estimator, skipped when β = 0.
//  6. One step = one rollout batch followed by NumIterations (μ) policy updates on it; TRL counts the updates as steps.
//     With μ = 1 the "old" log-probabilities are the current ones detached (ratio 1, same gradient), as TRL.
//  7. Completions cut at MaxCompletionLength are kept and trained on (no overlong filtering); a step where more than
//     half are cut, or the FlatRewardSteps-th step in a row where every reward is equal, is flagged (GrpoHealth) and may
//     end the run when the caller asks for that.
//  8. Sampling seeds derive from (seed, step), so a resumed run draws the same completions; LoRA dropout is active in
//     the updates only (generation runs in eval mode).
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using Platform.Training.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

public sealed partial class GrpoTrainer : IRlTrainer
{
    private readonly Qwen3ForCausalLM model;
    private readonly LoraAdapter adapter;
    private readonly Qwen3Tokenizer tokenizer;
    private readonly ICompletionScorer scorer;
    private readonly IReadOnlyList<PromptItem> prompts;
    private readonly int[][] promptIds;
    private readonly SftDataOrder order;
    private readonly PolicyOptimizer optimizer;
    private readonly ILogger logger;
    private readonly GrpoHealth health;

    public GrpoTrainer(Qwen3ForCausalLM model, LoraAdapter adapter, Qwen3Tokenizer tokenizer, IReadOnlyList<PromptItem> prompts,
        ICompletionScorer scorer, GrpoOptions options, ILogger? logger = null)
    {
        if (prompts.Count == 0) throw new ArgumentException("no prompts", nameof(prompts));
        if (options.NumGenerations < 2) throw new ArgumentException("GRPO needs at least two generations per prompt", nameof(options));
        TorchRuntime.EnsureInitialized();
        (this.model, this.adapter, this.tokenizer, this.prompts, this.scorer, Options) = (model, adapter, tokenizer, prompts, scorer, options);
        this.logger = logger ?? NullLogger.Instance;
        promptIds = prompts.Select(p => tokenizer.EncodeChat(p.Messages, addGenerationPrompt: true, options.EnableThinking).Ids).ToArray();
        order = new SftDataOrder(prompts.Count, options.Seed);
        optimizer = new PolicyOptimizer(model, options.Updates());
        health = new GrpoHealth(options.FlatRewardSteps);
        random.manual_seed((long)options.Seed);
    }

    public GrpoOptions Options { get; }
    public int Step { get; set; }
    public long ExamplesConsumed { get; set; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable => optimizer.Trainable;
    public AdamW Optimizer => optimizer.Optimizer;
    public int MaxSteps => Options.MaxSteps;
    public int ExamplesPerStep => Options.PromptsPerStep;
    public ulong Seed => Options.Seed;

    public RlStepResult TrainStep(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var picked = Enumerable.Range(0, Options.PromptsPerStep).Select(i => order.At(ExamplesConsumed + i)).ToList();
        var rollout = GrpoRollout.Sample(model, tokenizer, scorer, picked.Select(i => prompts[i]).ToList(),
            picked.Select(i => promptIds[i]).ToList(), Options, Step, cancellationToken);
        var (metrics, warnings) = rollout.Report(scorer.Components, Options.NumGenerations);
        var degenerate = health.Check(Step + 1, rollout.Truncated, rollout.CompletionLengths.Length,
            rollout.FlatRewards ? rollout.Rewards[0] : null, Options.MaxCompletionLength, warnings);
        metrics["warn"] = warnings.Count > 0 ? 1 : 0;

        var updateStarted = Stopwatch.GetTimestamp();
        using var stepScope = NewDisposeScope();
        var micro = Enumerable.Range(0, rollout.Sequences.Count).Chunk(Options.MicroBatchSize).ToList();
        var reference = Options.Beta != 0 ? micro.Select(rows => ReferenceLogProbs(rollout, rows)).ToList() : null;
        var old = Options.NumIterations > 1 ? micro.Select(rows => PolicyLogProbs(rollout, rows)).ToList() : null;
        var batch = new GrpoBatchSize(rollout.Sequences.Count, rollout.GeneratedTokens, Options.MaxCompletionLength);
        double loss = 0, gradNorm = 0, learningRate = 0, clipped = 0, kl = 0, entropy = 0;
        for (var iteration = 0; iteration < Options.NumIterations; iteration++)
        {
            learningRate = optimizer.Begin(Step * Options.NumIterations + iteration);
            model.train();
            for (var m = 0; m < micro.Count; m++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var rows = micro[m];
                var sequences = rows.Select(r => rollout.Sequences[r]).ToList();
                var (logProbs, tokenRows, tokenEntropy) = TokenLogProbs.Compute(model, sequences, withEntropy: iteration == 0);
                var advantages = tensor(rows.Select(r => (float)rollout.Advantages[r]).ToArray()).index_select(0, tokenRows); // (N)
                var terms = GrpoLoss.PerToken(logProbs, old?[m] ?? logProbs.detach(), reference?[m], advantages,
                    Options.Epsilon, Options.EpsilonHigh ?? Options.Epsilon, Options.Beta);
                var share = GrpoLoss.Reduce(terms.Loss, tokenRows, rows.Select(r => rollout.CompletionLengths[r]).ToList(), Options.LossType, batch);
                share.backward();
                loss += share.item<float>() / Options.NumIterations;
                clipped += terms.Clipped.sum().item<float>() / (batch.CompletionTokens * (double)Options.NumIterations);
                if (terms.Kl is not null) kl += terms.Kl.detach().sum().item<float>() / (batch.CompletionTokens * (double)Options.NumIterations);
                if (tokenEntropy is not null) entropy += tokenEntropy.sum().item<float>() / batch.CompletionTokens;
            }
            gradNorm = optimizer.Finish();
        }
        Step++;
        ExamplesConsumed += picked.Count;

        var updateSeconds = Stopwatch.GetElapsedTime(updateStarted).TotalSeconds;
        var trainedTokens = rollout.Sequences.Sum(s => (long)s.InputIds.Length);
        metrics["loss"] = loss;
        metrics["clip_ratio"] = clipped;
        if (reference is not null) metrics["kl"] = kl;
        metrics["entropy"] = entropy;
        metrics["time/rollout_s"] = rollout.Elapsed.TotalSeconds;
        metrics["time/update_s"] = updateSeconds;
        metrics["tokens/generated"] = rollout.GeneratedTokens;
        metrics["tokens/updated"] = trainedTokens * Options.NumIterations;
        var result = new RlStepResult(Step, loss, gradNorm, learningRate, trainedTokens, Stopwatch.GetElapsedTime(started), metrics, warnings, degenerate);
        LogStep(logger, Step, MaxSteps, metrics["reward"], metrics["reward_std"], metrics["completions/mean_length"], result.Elapsed.TotalMilliseconds);
        foreach (var warning in warnings) LogWarning(logger, Step, warning);
        return result;
    }

    /// <summary>Mean reward of <paramref name="heldOut"/> prompts over <paramref name="samples"/> completions each, sampled as in training.</summary>
    public double MeanReward(IReadOnlyList<PromptItem> heldOut, int samples, ulong seed, CancellationToken cancellationToken = default)
    {
        var ids = heldOut.Select(p => tokenizer.EncodeChat(p.Messages, addGenerationPrompt: true, Options.EnableThinking).Ids).ToList();
        var o = Options with { NumGenerations = samples, Seed = seed };
        return GrpoRollout.Sample(model, tokenizer, scorer, heldOut, ids, o, step: 0, cancellationToken).Rewards.Average();
    }

    /// <summary>Log-probabilities (N) of the completions of <paramref name="rows"/> under the LoRA-off reference, no graph.</summary>
    private Tensor ReferenceLogProbs(GrpoRollout rollout, int[] rows)
    {
        using var scope = NewDisposeScope();
        model.eval();
        using var _ = no_grad();
        using var off = adapter.Disabled();
        return TokenLogProbs.Compute(model, rows.Select(r => rollout.Sequences[r]).ToList()).LogProbs.MoveToOuterDisposeScope();
    }

    /// <summary>The rollout policy's log-probabilities (N), as the updates will see them (train mode), no graph.</summary>
    private Tensor PolicyLogProbs(GrpoRollout rollout, int[] rows)
    {
        using var scope = NewDisposeScope();
        model.train();
        using var _ = no_grad();
        return TokenLogProbs.Compute(model, rows.Select(r => rollout.Sequences[r]).ToList()).LogProbs.MoveToOuterDisposeScope();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GRPO step {Step}/{MaxSteps}: reward {Reward:F3} (std {RewardStd:F3}), completion length {Length:F1}, {Milliseconds:F0} ms")]
    private static partial void LogStep(ILogger logger, int step, int maxSteps, double reward, double rewardStd, double length, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GRPO step {Step}: {Warning}")]
    private static partial void LogWarning(ILogger logger, int step, string warning);

    public void Dispose() => optimizer.Dispose();
}
