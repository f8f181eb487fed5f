using Platform.Training.Checkpoints;
using Platform.Training.Graders;
using Platform.Training.Lora;
using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Tests.Sft;
using Platform.Training.Text;

namespace Platform.Training.Tests.Rl;

/// <summary>DPO and GRPO learn on qwen3-tiny (the real vocabulary and tokenizer), small enough for 2 cores.</summary>
[Collection(typeof(GlobalTorchRandom))]
public sealed class RlLearningTests
{
    private static readonly Qwen3Tokenizer Tokenizer = Qwen3Tokenizer.Load();

    [Fact]
    public void Dpo_raises_the_margin_and_accuracy_on_held_out_pairs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: ct);
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 8, Alpha = 16 }, seed: 1);
        var training = ToyTasks.Preferences(Tokenizer, 0, 24);
        var heldOut = ToyTasks.Preferences(Tokenizer, 50, 12);
        using var trainer = new DpoTrainer(model, adapter, training, new DpoOptions
        {
            Beta = 0.1,
            Training = new SftOptions { MicroBatchSize = 8, MaxSteps = 12, LearningRate = 5e-3, Schedule = LearningRateScheduleKind.Constant, Seed = 1 },
        });

        var before = trainer.Evaluate(heldOut, ct);
        var steps = Enumerable.Range(0, trainer.MaxSteps).Select(_ => trainer.TrainStep(ct)).ToList();
        var after = trainer.Evaluate(heldOut, ct);

        Report("DPO held-out", before, after, "rewards/margins", "rewards/accuracies", "loss");
        Assert.True(steps[^1].Loss < steps[0].Loss, $"training loss {steps[0].Loss:F4} -> {steps[^1].Loss:F4}");
        Assert.True(after["rewards/margins"] > before["rewards/margins"] + 1, $"margin {before["rewards/margins"]:F3} -> {after["rewards/margins"]:F3}");
        Assert.True(after["rewards/accuracies"] >= 0.9, $"accuracy {before["rewards/accuracies"]:F2} -> {after["rewards/accuracies"]:F2}");
    }

    [Fact]
    public void Grpo_with_the_accuracy_grader_raises_the_mean_reward_on_held_out_prompts()
    {
        var ct = TestContext.Current.CancellationToken;
        var additions = ToyTasks.Additions(digits: 5);                       // 25 facts, sums 0..8 (one token each)
        var (train, heldOut) = (additions.Take(20).ToList(), additions.Skip(20).ToList());
        using var model = BaseModelLoader.Load("qwen3-tiny", cancellationToken: ct);
        WarmUp(model, additions, ct);
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 8, Alpha = 16 }, seed: 2);
        var scorer = new GraderScorer(BuiltInGraders.Create(["accuracy"]));
        using var trainer = new GrpoTrainer(model, adapter, Tokenizer, train, scorer, new GrpoOptions
        {
            PromptsPerStep = 4, NumGenerations = 8, MaxCompletionLength = 3, Temperature = 1.0, Beta = 0.04, EnableThinking = false,
            MaxSteps = 20, LearningRate = 5e-3, Schedule = LearningRateScheduleKind.Constant, MicroBatchSize = 32, Seed = 3,
        });

        var before = trainer.MeanReward(heldOut, samples: 16, seed: 99, ct);
        var steps = Enumerable.Range(0, trainer.MaxSteps).Select(_ => trainer.TrainStep(ct)).ToList();
        var after = trainer.MeanReward(heldOut, samples: 16, seed: 99, ct);

        TestContext.Current.TestOutputHelper?.WriteLine($"GRPO held-out mean reward {before:F3} -> {after:F3}; training reward by step: " +
            string.Join(" ", steps.Select(s => s.Metrics["reward"].ToString("F2"))));
        Assert.True(after > before + 0.08, $"held-out mean reward {before:F3} -> {after:F3}");
        Assert.All(steps, s => Assert.Equal(0, s.Metrics["grader_errors/accuracy"]));
    }

    /// <summary>
    /// A brief full SFT on every fact (GRPO's prompts and the held-out ones): after 13 steps the model samples the
    /// right sum about a third of the time. GRPO's reference is this warmed model (its LoRA goes on top).
    /// </summary>
    private static void WarmUp(Platform.Training.Qwen3.Qwen3ForCausalLM model, IReadOnlyList<PromptItem> additions, CancellationToken ct)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        var examples = additions.Select(a => ToyTasks.Answered(Tokenizer, a)).ToList();
        using (var sft = new SftTrainer(model, examples, new SftOptions
               {
                   MicroBatchSize = examples.Count, MaxSteps = 13, LearningRate = 3e-3, Schedule = LearningRateScheduleKind.Constant, Seed = 1,
               }))
            sft.Train(cancellationToken: ct);
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
    }

    private static void Report(string what, IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, params string[] keys) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: " + string.Join(", ", keys.Select(k => $"{k} {before[k]:F3} -> {after[k]:F3}")));
}
