using System.Text.Json;
using Platform.Training.Benchmarks;
using Platform.Training.Qwen3;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>bench train</c> (<c>bench serve</c>: <see cref="ServeBench"/>): SFT step throughput on random batches (the project's side of /work/shared/peers/compare-train.sh);
/// FLOPs as docs/benchmarks.md counts them, MFU against an fp32 matmul peak measured in the same run.
/// <c>bench grpo</c>: GRPO rollout and update throughput (<see cref="GrpoBenchmark"/>).
/// </summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";
    public string Usage =>
        "train|grpo --config <config.json|preset> [--mode <lora|full>] [--batch <4>] [--seq <256>] [--prompt-fraction <0.5>] " +
        "[--lora-r <16>] [--lora-alpha <32>] [--steps <6>] [--warmup <2>] [--seed <0>] [--json] " +
        "(grpo: [--prompts <2>] [--generations <4>] [--completion-len <32>] [--beta <0.04>] [--lora-r <16>] [--steps <2>] [--warmup <1>])  |  " +
        "memory --config … --mode … --batch … --seq …  |  " + ServeBench.Usage;
    public string Summary => "measure SFT training speed (bench train), GRPO (bench grpo), training memory (bench memory) or multi-LoRA serving (bench serve)";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals is ["memory"]) return MemoryBench.RunAsync(args, cancellationToken);
        if (args.Positionals is ["serve"]) return Task.FromResult(ServeBench.Run(args, cancellationToken));
        if (args.Positionals is ["grpo"]) return Task.FromResult(Grpo(args, cancellationToken));
        if (args.Positionals is not ["train"]) throw new CliException("benchmarks: `bench train`, `bench grpo`, `bench memory`, `bench serve`");
        var config = args.Require("config");
        var options = new TrainBenchmarkOptions
        {
            Config = Qwen3Presets.ByName.TryGetValue(config, out var preset) ? preset : LoadConfig(config),
            Lora = args.Choice("mode", "lora", "full") == "lora",
            Batch = args.Int("batch", 4),
            Sequence = args.Int("seq", 256),
            PromptFraction = args.Double("prompt-fraction", 0.5),
            LoraRank = args.Int("lora-r", 16),
            LoraAlpha = args.Double("lora-alpha", 32),
            Steps = args.Int("steps", 6),
            Warmup = args.Int("warmup", 2),
            Seed = (ulong)args.Int("seed", 0),
        };
        var json = args.Flag("json");
        args.RejectUnknown();
        if (options.Steps < 1 || options.Warmup < 0 || options.Batch < 1 || options.Sequence < 2) throw new CliException("steps, batch and seq must be positive");

        var result = TrainBenchmark.Run(options, (step, s) => Console.Error.WriteLine(
            $"  step {step,3}{(step < options.Warmup ? " (warmup)" : "")}: {s.Elapsed.TotalSeconds:F3} s  loss {s.Loss:F4}"), cancellationToken);
        Console.WriteLine(json ? JsonLine(options, config, result) : Table(options, result));
        return Task.FromResult(0);
    }

    private static int Grpo(CliArgs args, CancellationToken cancellationToken)
    {
        var config = args.Require("config");
        var options = new GrpoBenchmarkOptions
        {
            Config = Qwen3Presets.ByName.TryGetValue(config, out var preset) ? preset : LoadConfig(config),
            Prompts = args.Int("prompts", 2),
            Generations = args.Int("generations", 4),
            CompletionLength = args.Int("completion-len", 32),
            Beta = args.Double("beta", 0.04),
            LoraRank = args.Int("lora-r", 16),
            Steps = args.Int("steps", 2),
            Warmup = args.Int("warmup", 1),
            Seed = (ulong)args.Int("seed", 0),
        };
        var json = args.Flag("json");
        args.RejectUnknown();
        if (options.Steps < 1 || options.Prompts < 1 || options.Generations < 2 || options.CompletionLength < 1)
            throw new CliException("steps, prompts and completion-len must be positive, generations at least 2");
        var r = GrpoBenchmark.Run(options, (step, s) => Console.Error.WriteLine(
            $"  step {step,3}{(step < options.Warmup ? " (warmup)" : "")}: rollout {s.Metrics["time/rollout_s"]:F2} s, update {s.Metrics["time/update_s"]:F2} s"),
            cancellationToken);
        Console.WriteLine(json
            ? JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["tool"] = "platform bench grpo", ["config"] = config, ["threads"] = r.Threads, ["prompts"] = options.Prompts,
                ["generations"] = options.Generations, ["completion_len"] = options.CompletionLength, ["lora_r"] = options.LoraRank,
                ["beta"] = options.Beta, ["rollout_tokens_per_s"] = r.RolloutTokensPerSecond, ["update_tokens_per_s"] = r.UpdateTokensPerSecond,
                ["rollout_s_median"] = r.RolloutSecondsMedian, ["update_s_median"] = r.UpdateSecondsMedian, ["peak_rss_mib"] = r.PeakRssMib,
            })
            : $"""
              grpo lora r{options.LoraRank} fp32, {options.Prompts} prompts x {options.Generations} generations x {options.CompletionLength} tokens, beta {options.Beta}, {r.Threads} threads
              rollout   {r.RolloutTokensPerSecond:F1} generated tokens/s  ({r.GeneratedTokensPerStep:F0} tokens in {r.RolloutSecondsMedian:F2} s, median)
              update    {r.UpdateTokensPerSecond:F1} sequence tokens/s   ({r.UpdatedTokensPerStep:F0} tokens in {r.UpdateSecondsMedian:F2} s, median)
              peak RSS  {r.PeakRssMib:F0} MiB
              """);
        return 0;
    }

    internal static Qwen3Config LoadConfig(string path) =>
        File.Exists(path) ? Qwen3Config.FromFile(path) : throw new CliException($"'{path}' is neither a preset ({string.Join(", ", Qwen3Presets.ByName.Keys)}) nor a file");

    private static string JsonLine(TrainBenchmarkOptions o, string config, TrainBenchmarkResult r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["tool"] = "platform bench train", ["config"] = config, ["mode"] = o.Lora ? "lora" : "full", ["dtype"] = "fp32", ["threads"] = r.Threads,
        ["batch"] = o.Batch, ["seq"] = o.Sequence, ["prompt_fraction"] = o.PromptFraction, ["lora_r"] = o.Lora ? o.LoraRank : null,
        ["warmup"] = o.Warmup, ["steps"] = o.Steps, ["params_trainable"] = r.TrainableParameters,
        ["step_s_median"] = r.StepSecondsMedian, ["step_s_min"] = r.StepSecondsMin, ["tokens_per_s"] = r.TokensPerSecond,
        ["flops_per_token"] = r.FlopsPerToken,
        ["flops_breakdown_per_token"] = new Dictionary<string, double>
        {
            ["linear"] = r.FlopsPerSequence.Linear / o.Sequence, ["lora"] = r.FlopsPerSequence.Lora / o.Sequence,
            ["attention"] = r.FlopsPerSequence.Attention / o.Sequence, ["lm_head"] = r.FlopsPerSequence.LmHead / o.Sequence,
        },
        ["achieved_gflops"] = r.AchievedGflops,
        ["matmul_peak_gflops"] = new Dictionary<string, object> { ["fp32"] = r.MatmulPeakGflops.ToDictionary(p => p.Key.ToString(), p => Math.Round(p.Value, 1)) },
        ["peak_gflops"] = r.PeakGflops, ["mfu"] = r.Mfu, ["peak_rss_mib"] = r.PeakRssMib,
        ["loss_first"] = r.LossFirst, ["loss_last"] = r.LossLast,
    });

    private static string Table(TrainBenchmarkOptions o, TrainBenchmarkResult r) =>
        $"""
        {(o.Lora ? $"lora r{o.LoraRank}" : "full")} fp32, batch {o.Batch} x seq {o.Sequence}, prompt fraction {o.PromptFraction}, {r.Threads} threads
        step time median / min   {r.StepSecondsMedian:F3} / {r.StepSecondsMin:F3} s
        tokens/s                 {r.TokensPerSecond:F1}
        GFLOP/token (counted)    {r.FlopsPerToken / 1e9:F3}  (linear {r.FlopsPerSequence.Linear / o.Sequence / 1e9:F3}, lora {r.FlopsPerSequence.Lora / o.Sequence / 1e9:F3}, attention {r.FlopsPerSequence.Attention / o.Sequence / 1e9:F3}, lm_head {r.FlopsPerSequence.LmHead / o.Sequence / 1e9:F3})
        achieved GFLOP/s         {r.AchievedGflops:F1}
        fp32 matmul peak         {string.Join("  ", r.MatmulPeakGflops.Select(p => $"{p.Key}: {p.Value:F1}"))} GFLOP/s
        MFU                      {r.Mfu * 100:F1} %
        peak RSS                 {r.PeakRssMib:F0} MiB
        loss first / last        {r.LossFirst:F4} / {r.LossLast:F4}
        """;
}
