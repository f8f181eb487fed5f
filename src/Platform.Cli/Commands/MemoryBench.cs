using System.Globalization;
using System.Text.Json;
using Platform.Training.Benchmarks;
using Platform.Training.Memory;
using Platform.Training.Qwen3;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>bench memory</c>: a few SFT steps of the given shape, their peak RSS beside <see cref="TrainingMemoryModel"/>'s
/// prediction. Run in a fresh process per shape: the peak is the process's high-water mark.
/// </summary>
internal static class MemoryBench
{
    /// <summary>
    /// Steps after the first: the heap that keeps freed memory (NativeHeap) and the GC heap settle over the first few
    /// steps (qwen3-tiny lora 2 × 128: 375 MiB after one, 412 after five, 416 after ten), and a job runs many.
    /// </summary>
    private const int MeasuredSteps = 5;

    public static Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var name = args.Require("config");
        var config = Qwen3Presets.ByName.TryGetValue(name, out var preset) ? preset : BenchCommand.LoadConfig(name);
        var lora = args.Choice("mode", "lora", "full") == "lora";
        var batch = args.Int("batch", 4);
        var sequence = args.Int("seq", 256);
        var promptFraction = args.Double("prompt-fraction", 0.5);
        var rank = args.Int("lora-r", 16);
        var json = args.Flag("json");
        args.RejectUnknown();

        var prompt = (int)(sequence * promptFraction);
        var predicted = TrainingMemoryModel.Estimate(new TrainingMemoryShape
        {
            Config = config, Lora = lora, LoraRank = rank, MicroBatch = batch, Sequence = sequence, LossPositions = sequence - Math.Max(1, prompt),
        });
        var result = TrainBenchmark.Run(new TrainBenchmarkOptions
        {
            Config = config, Lora = lora, Batch = batch, Sequence = sequence, PromptFraction = promptFraction, LoraRank = rank,
            LoraAlpha = 2 * rank, Steps = MeasuredSteps, Warmup = 1, MeasureMatmulPeak = false,
        }, cancellationToken: cancellationToken);
        var error = (predicted.TotalMib - result.PeakRssMib) / result.PeakRssMib;
        Console.WriteLine(json
            ? JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["tool"] = "platform bench memory", ["config"] = name, ["mode"] = lora ? "lora" : "full", ["batch"] = batch, ["seq"] = sequence,
                ["prompt_fraction"] = promptFraction, ["lora_r"] = rank, ["measured_peak_mib"] = Math.Round(result.PeakRssMib, 1),
                ["predicted_peak_mib"] = Math.Round(predicted.TotalMib, 1), ["relative_error"] = Math.Round(error, 4),
                ["predicted_parts_mib"] = new Dictionary<string, double>
                {
                    ["runtime"] = Mib(predicted.Runtime), ["weights"] = Mib(predicted.Weights), ["trainable_state"] = Mib(predicted.TrainableState),
                    ["activations"] = Mib(predicted.Activations), ["logits"] = Mib(predicted.Logits),
                },
            })
            : string.Create(CultureInfo.InvariantCulture, $"peak RSS {result.PeakRssMib:F0} MiB, predicted {predicted.TotalMib:F0} MiB ({error * 100:+0.0;-0.0} %)"));
        return Task.FromResult(0);
    }

    private static double Mib(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}
