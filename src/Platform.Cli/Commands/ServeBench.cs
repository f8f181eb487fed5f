using System.Text.Json;
using Platform.Inference.Benchmarks;

namespace Platform.Cli.Commands;

/// <summary><c>bench serve</c>: multi-LoRA serving throughput and latency per scenario, with the issue's target ratios.</summary>
internal static class ServeBench
{
    public const string Usage = "serve [--preset <qwen3-bench>] [--prompt <64>] [--tokens <64>] [--rank <16>] [--json]";

    public static int Run(CliArgs args, CancellationToken cancellationToken)
    {
        var options = new ServeBenchmarkOptions
        {
            Preset = args.Get("preset") ?? "qwen3-bench",
            PromptTokens = args.Int("prompt", 64),
            OutputTokens = args.Int("tokens", 64),
            Rank = args.Int("rank", 16),
        };
        var json = args.Flag("json");
        args.RejectUnknown();
        if (!json) Console.WriteLine($"{"scenario",-18}{"requests",9}{"adapters",9}{"tokens/s",10}{"ttft p50",10}{"ttft p99",10}{"itl p50",9}{"itl p99",9}  (ms)");
        var results = ServeBenchmark.Run(options, r => Console.WriteLine(json ? JsonLine(r) : Row(r)), cancellationToken);
        var rate = results.ToDictionary(r => r.Scenario, r => r.TokensPerSecond);
        var ratios = new[]
        {
            ("multi8 / base", rate["multi8"] / rate["base"], 0.8), ("multi8 / naive8", rate["multi8"] / rate["naive8"], 3.0),
            ("base / single", rate["base"] / rate["single"], 6.0),
            ("multi8 stacked / grouped", rate["multi8_stacked"] / rate["multi8_grouped"], double.NaN),
            ("multi8 stacked / gathered", rate["multi8_stacked"] / rate["multi8_gathered"], double.NaN),
            ("multi32 stacked / gathered", rate["multi32_stacked"] / rate["multi32_gathered"], double.NaN),
        };
        foreach (var (name, value, target) in ratios)
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new Dictionary<string, object?> { ["ratio"] = name, ["value"] = Math.Round(value, 3), ["target"] = double.IsNaN(target) ? null : target })
                : $"{name,-28}{value,7:F2}x{(double.IsNaN(target) ? "" : $"   target >= {target}x {(value >= target ? "met" : "NOT met")}")}");
        return 0;
    }

    private static string Row(ServeScenarioResult r) =>
        $"{r.Scenario,-18}{r.Requests,9}{r.Adapters,9}{r.TokensPerSecond,10:F1}{r.TtftP50Ms,10:F0}{r.TtftP99Ms,10:F0}{r.ItlP50Ms,9:F0}{r.ItlP99Ms,9:F0}";

    private static string JsonLine(ServeScenarioResult r) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["scenario"] = r.Scenario, ["requests"] = r.Requests, ["adapters"] = r.Adapters, ["seconds"] = Math.Round(r.Seconds, 3),
        ["tokens_per_s"] = Math.Round(r.TokensPerSecond, 2), ["ttft_p50_ms"] = Math.Round(r.TtftP50Ms, 1), ["ttft_p99_ms"] = Math.Round(r.TtftP99Ms, 1),
        ["itl_p50_ms"] = Math.Round(r.ItlP50Ms, 1), ["itl_p99_ms"] = Math.Round(r.ItlP99Ms, 1),
    });
}
