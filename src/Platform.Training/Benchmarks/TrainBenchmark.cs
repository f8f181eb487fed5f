using System.Diagnostics;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Sft;
using static TorchSharp.torch;

namespace Platform.Training.Benchmarks;

public sealed record TrainBenchmarkOptions
{
    public required Qwen3Config Config { get; init; }
    public bool Lora { get; init; } = true;
    public int Batch { get; init; } = 4;
    public int Sequence { get; init; } = 256;
    /// <summary>Leading share of each sequence with no loss (the prompt).</summary>
    public double PromptFraction { get; init; } = 0.5;
    public int LoraRank { get; init; } = 16;
    public double LoraAlpha { get; init; } = 32;
    public int Steps { get; init; } = 6;
    public int Warmup { get; init; } = 2;
    public ulong Seed { get; init; }
    /// <summary>Measure the fp32 matmul peak first (for MFU); off for a memory measurement, whose peak it would raise.</summary>
    public bool MeasureMatmulPeak { get; init; } = true;
}

public sealed record TrainBenchmarkResult(
    double StepSecondsMedian, double StepSecondsMin, double TokensPerSecond, double FlopsPerToken, TrainingFlops.Breakdown FlopsPerSequence,
    double AchievedGflops, IReadOnlyDictionary<int, double> MatmulPeakGflops, double PeakGflops, double Mfu, double PeakRssMib,
    long TrainableParameters, double LossFirst, double LossLast, int Threads);

/// <summary>
/// The SFT step of <see cref="SftTrainer"/> (forward, weighted loss, backward, clipping, AdamW) on random token batches,
/// warm-up steps untimed, median step time; FLOPs from <see cref="TrainingFlops"/>; fp32 matmul peak measured in the same process.
/// </summary>
public static class TrainBenchmark
{
    public static TrainBenchmarkResult Run(TrainBenchmarkOptions o, Action<int, SftStepResult>? onStep = null, CancellationToken cancellationToken = default)
    {
        var threads = TorchRuntime.EnsureInitialized();
        var peaks = o.MeasureMatmulPeak ? MatmulPeak.Measure([1024, 2048], cancellationToken) : new Dictionary<int, double> { [0] = double.NaN };
        using var model = new Qwen3ForCausalLM(o.Config).InitializeWeights(o.Seed);
        if (o.Lora) LoraAdapter.Apply(model, new LoraConfig { Rank = o.LoraRank, Alpha = o.LoraAlpha }, o.Seed);
        else foreach (var parameter in model.parameters()) parameter.requires_grad = true;

        var promptTokens = (int)(o.Sequence * o.PromptFraction);
        var totalSteps = o.Warmup + o.Steps;
        var examples = RandomExamples(o.Batch * totalSteps, o.Sequence, promptTokens, o.Config.VocabSize, o.Seed + 1);
        var options = new SftOptions { MicroBatchSize = o.Batch, MaxSteps = totalSteps, LearningRate = 1e-4, Schedule = LearningRateScheduleKind.Constant, Seed = o.Seed };
        using var trainer = new SftTrainer(model, examples, options);
        var times = new List<double>();
        var losses = new List<double>();
        for (var step = 0; step < totalSteps; step++)
        {
            var result = trainer.TrainStep(cancellationToken);
            if (step >= o.Warmup) times.Add(result.Elapsed.TotalSeconds);
            losses.Add(result.Loss);
            onStep?.Invoke(step, result);
        }

        var median = Median(times);
        var lossPositions = o.Sequence - Math.Max(1, promptTokens); // position 0 is never predicted
        var perSequence = TrainingFlops.PerSequence(o.Config, o.Sequence, lossPositions, o.Lora, o.LoraRank);
        var tokensPerSecond = o.Batch * o.Sequence / median;
        var flopsPerToken = perSequence.Total / o.Sequence;
        var achieved = flopsPerToken * tokensPerSecond / 1e9;
        var peak = peaks.Values.Max();
        return new TrainBenchmarkResult(median, times.Min(), tokensPerSecond, flopsPerToken, perSequence, achieved, peaks, peak,
            achieved / peak, ProcessMemory.PeakResidentMib(), trainer.Trainable.Sum(p => p.Parameter.numel()), losses[0], losses[^1], threads);
    }

    private static List<SftExample> RandomExamples(int count, int length, int promptTokens, int vocabulary, ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var weights = Enumerable.Range(0, length).Select(i => i < promptTokens ? 0f : 1f).ToArray();
        return Enumerable.Range(0, count)
            .Select(_ => new SftExample(Enumerable.Range(0, length).Select(_ => random.Next(vocabulary)).ToArray(), weights))
            .ToList();
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
