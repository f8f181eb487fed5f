using Platform.Inference.Engine;
using Platform.Inference.Lora;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Tests;

/// <summary>Engines over qwen3-tiny, PEFT adapters with random (non-zero) B, and helpers that run requests to the end.</summary>
internal static class TestEngines
{
    public static readonly Qwen3Tokenizer Tokenizer = Qwen3Tokenizer.Load();

    public static InferenceEngine Create(InferenceOptions? options = null) =>
        new(BaseModelLoader.Load("qwen3-tiny"), Tokenizer, options ?? new InferenceOptions { KvCacheBytes = 16L * 1024 * 1024 });

    public static int[] Prompt(string user) =>
        Tokenizer.EncodeChat([ChatMessage.User(user)], addGenerationPrompt: true, enableThinking: false).Ids;

    /// <summary>A PEFT adapter folder for qwen3-tiny: rank <paramref name="rank"/>, B drawn so the adapter changes outputs.</summary>
    public static AdapterRef Adapter(string id, int rank, double alpha, ulong seed, params string[] targets)
    {
        var folder = Path.Combine(Path.GetTempPath(), "inference-tests", $"{id}-{Guid.NewGuid():N}");
        using var model = BaseModelLoader.Load("qwen3-tiny");
        var config = new LoraConfig { Rank = rank, Alpha = alpha, TargetModules = targets.Length > 0 ? targets : [LoraConfig.AllLinear] };
        var adapter = LoraAdapter.Apply(model, config, seed);
        using (var generator = new Generator(seed + 1000))
        using (no_grad())
            foreach (var b in adapter.Layers.Values.Select(l => l.B)) b.normal_(0, 0.5, generator);
        adapter.Save(folder);
        return new AdapterRef(id, folder);
    }

    /// <summary>Overwrites the adapter's first lora_B with NaN, leaving its config and shapes intact.</summary>
    public static void Poison(AdapterRef adapter)
    {
        var path = Path.Combine(adapter.Folder, LoraAdapter.WeightsFile);
        Dictionary<string, Tensor> tensors;
        using (var reader = SafetensorsReader.Open(path))
            tensors = reader.Entries.Keys.ToDictionary(k => k, k => reader.Read(k));
        tensors.First(t => t.Key.Contains("lora_B", StringComparison.Ordinal)).Value.fill_(double.NaN);
        SafetensorsWriter.Save(path, tensors);
        foreach (var t in tensors.Values) t.Dispose();
    }

    public static InferenceRequest Greedy(int[] prompt, AdapterRef? adapter = null, int maxTokens = 12, string tenant = "t1") => new()
    {
        TenantId = tenant, Prompt = prompt, Adapter = adapter,
        Sampling = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, StopTokenIds = new HashSet<int> { Tokenizer.ImEnd, Tokenizer.EndOfText } },
    };

    public sealed record Result(int[] Tokens, string Text, FinishReason? Finish, IReadOnlyList<GenerationChunk> Chunks);

    public static async Task<Result> RunAsync(InferenceEngine engine, InferenceRequest request, CancellationToken ct = default) =>
        await CollectAsync(engine.Submit(request, ct), ct);

    public static async Task<Result> CollectAsync(System.Threading.Channels.ChannelReader<GenerationChunk> reader, CancellationToken ct = default)
    {
        var chunks = new List<GenerationChunk>();
        await foreach (var chunk in reader.ReadAllAsync(ct)) chunks.Add(chunk);
        return new Result(chunks.Where(c => c.TokenId is not null).Select(c => c.TokenId!.Value).ToArray(),
            string.Concat(chunks.Select(c => c.Text)), chunks.LastOrDefault()?.Finish, chunks);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
