using System.Text.Json;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Rl;
using Platform.Training.Text;

namespace Platform.Training.Benchmarks;

public sealed record GrpoBenchmarkOptions
{
    public required Qwen3Config Config { get; init; }
    public int Prompts { get; init; } = 2;
    public int Generations { get; init; } = 4;
    public int CompletionLength { get; init; } = 32;
    public int LoraRank { get; init; } = 16;
    public double Beta { get; init; } = 0.04;
    public int Steps { get; init; } = 2;
    public int Warmup { get; init; } = 1;
    public ulong Seed { get; init; }
}

/// <summary>Medians over the timed steps: rollout (generated tokens per second of sampling) and update (sequence tokens per second of the updates).</summary>
public sealed record GrpoBenchmarkResult(
    double RolloutTokensPerSecond, double UpdateTokensPerSecond, double RolloutSecondsMedian, double UpdateSecondsMedian,
    double GeneratedTokensPerStep, double UpdatedTokensPerStep, double PeakRssMib, int Threads);

/// <summary>
/// <see cref="GrpoTrainer"/>'s step on a randomly initialised model: rollout (batched KV-cache sampling at temperature 1;
/// an untrained model rarely stops, so completions run to the length limit) and update (LoRA-off reference pass,
/// policy forward/backward, AdamW), rewards drawn at random so every completion has an advantage.
/// </summary>
public static class GrpoBenchmark
{
    public static GrpoBenchmarkResult Run(GrpoBenchmarkOptions o, Action<int, RlStepResult>? onStep = null, CancellationToken cancellationToken = default)
    {
        var threads = TorchRuntime.EnsureInitialized();
        using var model = new Qwen3ForCausalLM(o.Config).InitializeWeights(o.Seed);
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = o.LoraRank, Alpha = 2 * o.LoraRank }, o.Seed);
        var prompts = Enumerable.Range(0, o.Prompts)
            .Select(i => new PromptItem([ChatMessage.User($"Write a short story about the number {i}.")], JsonSerializer.SerializeToElement(new { i })))
            .ToList();
        using var trainer = new GrpoTrainer(model, adapter, Qwen3Tokenizer.Load(), prompts, new RandomScorer(o.Seed), new GrpoOptions
        {
            PromptsPerStep = o.Prompts, NumGenerations = o.Generations, MaxCompletionLength = o.CompletionLength, Beta = o.Beta,
            MaxSteps = o.Warmup + o.Steps, LearningRate = 1e-5, MicroBatchSize = o.Prompts * o.Generations, Seed = o.Seed,
        });
        var timed = new List<RlStepResult>();
        for (var step = 0; step < o.Warmup + o.Steps; step++)
        {
            var result = trainer.TrainStep(cancellationToken);
            if (step >= o.Warmup) timed.Add(result);
            onStep?.Invoke(step, result);
        }
        double Median(string key) => TrainBenchmark.Median(timed.Select(r => r.Metrics[key]).ToList());
        return new GrpoBenchmarkResult(
            TrainBenchmark.Median(timed.Select(r => r.Metrics["tokens/generated"] / r.Metrics["time/rollout_s"]).ToList()),
            TrainBenchmark.Median(timed.Select(r => r.Metrics["tokens/updated"] / r.Metrics["time/update_s"]).ToList()),
            Median("time/rollout_s"), Median("time/update_s"), Median("tokens/generated"), Median("tokens/updated"),
            ProcessMemory.PeakResidentMib(), threads);
    }

    private sealed class RandomScorer(ulong seed) : ICompletionScorer
    {
        private readonly Random random = new((int)(seed % int.MaxValue));

        public IReadOnlyList<string> Components { get; } = ["random"];

        public CompletionScore Score(PromptItem prompt, string completion)
        {
            var reward = random.NextDouble();
            return new CompletionScore(reward, [reward], [null]);
        }
    }
}
