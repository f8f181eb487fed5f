using System.Diagnostics;
using Platform.Inference.Engine;
using Platform.Inference.Lora;
using Platform.Training.Checkpoints;
using Platform.Training.Qwen3;
using Platform.Training.Text;

namespace Platform.Inference.Benchmarks;

public sealed record ServeBenchmarkOptions
{
    public string Preset { get; init; } = "qwen3-bench";
    public int PromptTokens { get; init; } = 64;
    public int OutputTokens { get; init; } = 64;
    public int Rank { get; init; } = 16;
}

/// <summary>One scenario: output tokens per second over its wall time, time to first token and inter-token latency.</summary>
public sealed record ServeScenarioResult(string Scenario, int Requests, int Adapters, double Seconds, double TokensPerSecond,
    double TtftP50Ms, double TtftP99Ms, double ItlP50Ms, double ItlP99Ms);

/// <summary>
/// <c>bench serve</c>: the engine in-process (no HTTP), on a preset base with rank-r adapters on every linear, all resident
/// before timing. Each request has the same prompt length and generates exactly the same number of tokens (no stop).
/// naive8 serves multi8's requests one adapter at a time, as a server without multi-LoRA batching would.
/// The multi8_* / multi32_* rows repeat those scenarios with each multi-LoRA kernel (grouped, gathered, stacked).
/// </summary>
public static class ServeBenchmark
{
    public static IReadOnlyList<ServeScenarioResult> Run(ServeBenchmarkOptions o, Action<ServeScenarioResult>? progress, CancellationToken cancellationToken)
    {
        var config = Qwen3Presets.Get(o.Preset);
        var folder = Directory.CreateTempSubdirectory("bench-serve-").FullName;
        try
        {
            var adapters = Enumerable.Range(0, 32).Select(i => BenchAdapters.Write(config, Path.Combine(folder, $"a{i}"), $"a{i}", o.Rank, (ulong)i + 1)).ToList();
            var tokenizer = Qwen3Tokenizer.Load();
            var options = new InferenceOptions { KvCacheBytes = 256L << 20, MaxRunning = 32, MaxResidentAdapters = 32, MaxLoraRank = o.Rank, MaxBatchTokens = 1024, PrefillChunk = 256 };
            using var engine = new InferenceEngine(BaseModelLoader.Load(o.Preset, cancellationToken: cancellationToken), tokenizer, options);
            foreach (var adapter in adapters) engine.Preload(adapter);
            while (engine.Stats.ResidentAdapters.Count < adapters.Count) Thread.Sleep(50);
            var prompt = Enumerable.Range(0, o.PromptTokens).Select(i => 1000 + i * 37 % 5000).ToArray();
            Scenario(engine, "warmup", [[null, adapters[0]]], prompt, 4, cancellationToken);

            var results = new List<ServeScenarioResult>();
            void Add(ServeScenarioResult r) { results.Add(r); progress?.Invoke(r); }
            IReadOnlyList<AdapterRef?> Spread(int requests, int distinct) => Enumerable.Range(0, requests).Select(i => (AdapterRef?)adapters[i % distinct]).ToList();
            // The scenarios run the engine's default kernel (what a server runs); the kernel rows repeat multi8 and multi32
            // with each kernel for comparison.
            Add(Scenario(engine, "single", [[null]], prompt, o.OutputTokens, cancellationToken));
            Add(Scenario(engine, "base", [Enumerable.Repeat<AdapterRef?>(null, 16).ToList()], prompt, o.OutputTokens, cancellationToken));
            Add(Scenario(engine, "multi8", [Spread(16, 8)], prompt, o.OutputTokens, cancellationToken));
            Add(Scenario(engine, "multi32", [Spread(32, 32)], prompt, o.OutputTokens, cancellationToken));
            Add(Scenario(engine, "naive8", Spread(16, 8).GroupBy(a => a!.Id).Select(g => g.ToList()).ToList(), prompt, o.OutputTokens, cancellationToken));
            var served = engine.LoraKernel;
            foreach (var kernel in new[] { LoraKernel.Grouped, LoraKernel.Gathered, LoraKernel.Stacked })
            {
                engine.LoraKernel = kernel;
                var name = kernel.ToString().ToLowerInvariant();
                Add(Scenario(engine, $"multi8_{name}", [Spread(16, 8)], prompt, o.OutputTokens, cancellationToken));
                Add(Scenario(engine, $"multi32_{name}", [Spread(32, 32)], prompt, o.OutputTokens, cancellationToken));
            }
            engine.LoraKernel = served;
            return results;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Waves run one after another; the requests of a wave run at once.</summary>
    private static ServeScenarioResult Scenario(InferenceEngine engine, string name, IReadOnlyList<IReadOnlyList<AdapterRef?>> waves, int[] prompt,
        int outputTokens, CancellationToken cancellationToken)
    {
        var ttft = new List<double>();
        var itl = new List<double>();
        var tokens = 0;
        var clock = Stopwatch.StartNew();
        foreach (var wave in waves)
        {
            var runs = wave.Select(adapter => RunOne(engine, prompt, adapter, outputTokens, cancellationToken)).ToArray();
            Task.WaitAll(runs, cancellationToken);
            foreach (var (first, gaps, count) in runs.Select(r => r.Result))
            {
                ttft.Add(first);
                itl.AddRange(gaps);
                tokens += count;
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        return new ServeScenarioResult(name, waves.Sum(w => w.Count), waves.SelectMany(w => w).OfType<AdapterRef>().Select(a => a.Id).Distinct().Count(),
            seconds, tokens / seconds, Percentile(ttft, 0.5), Percentile(ttft, 0.99), Percentile(itl, 0.5), Percentile(itl, 0.99));
    }

    private static async Task<(double FirstMs, List<double> GapsMs, int Tokens)> RunOne(InferenceEngine engine, int[] prompt, AdapterRef? adapter,
        int outputTokens, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var reader = engine.Submit(new InferenceRequest
        {
            TenantId = adapter?.Id ?? "base", Prompt = prompt, Adapter = adapter,
            Sampling = new SamplingParams { Temperature = 0, MaxTokens = outputTokens },
        }, cancellationToken);
        var gaps = new List<double>();
        double? first = null;
        var last = start;
        var count = 0;
        await foreach (var _ in reader.ReadAllAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (first is null) first = Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
            else gaps.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
            last = now;
            count++;
        }
        return (first ?? 0, gaps, count);
    }

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
