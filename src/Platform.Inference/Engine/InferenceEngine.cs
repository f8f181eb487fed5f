using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Kv;
using Platform.Inference.Lora;
using Platform.Training;
using Platform.Training.Provenance;
using Platform.Training.Qwen3;
using Platform.Training.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Inference.Engine;

/// <summary>
/// Serves one copy of one base model to many requests and adapters at once (continuous batching, as vLLM / S-LoRA):
/// a dedicated thread runs steps; between steps sequences join (fair across tenants, when pages and their adapter are
/// there) and leave (finished, stopped or cancelled, freeing their pages at once). Each step feeds every decoding row one
/// token and fills the rest of <see cref="InferenceOptions.MaxBatchTokens"/> with prompt chunks.
/// The engine owns the model: it wraps the model's linears with <see cref="MultiLoraLinear"/> in place.
/// </summary>
public sealed partial class InferenceEngine : IDisposable
{
    private readonly Qwen3ForCausalLM model;
    private readonly Qwen3Tokenizer tokenizer;
    private readonly InferenceOptions options;
    private readonly ILogger logger;
    private readonly PagedKvCache cache;
    private readonly PagePool pages;
    private readonly LoraBatch lora = new();
    private readonly AdapterResidency residency;
    private readonly ConcurrentQueue<Sequence> incoming = new();
    private readonly FairQueue waiting = new();
    private readonly List<Sequence> running = [];
    private readonly AutoResetEvent wake = new(false);
    private readonly Thread thread;
    private volatile bool stopping;
    private long submitted;
    private long steps;
    private long generated;

    public InferenceEngine(Qwen3ForCausalLM model, Qwen3Tokenizer tokenizer, InferenceOptions options, ILogger? logger = null)
    {
        TorchRuntime.EnsureInitialized();
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        model.eval();
        BaseWeightsSha256 = ContentHashes.StateDict(model);  // before the linears are wrapped: the state dict as training hashed it
        lora.Kernel = options.LoraKernel;
        var linears = WrapLinears(model, options.MaxResidentAdapters + 1, options.MaxLoraRank, lora);
        var weight = model.LmHeadLinear.weight!;
        cache = new PagedKvCache(model.Config, options.KvCacheBytes, options.PageSize, weight.dtype, weight.device);
        pages = new PagePool(cache.PageCount);
        residency = new AdapterResidency(linears, options.MaxResidentAdapters, options.MaxLoraRank, BaseWeightsSha256, () => wake.Set());
        Stats = EngineStats.Empty with { FreePages = pages.Free, TotalPages = pages.Total, PageSize = cache.PageSize };
        thread = new Thread(Loop) { IsBackground = true, Name = "inference-engine" };
        thread.Start();
    }

    public Qwen3Config Config => model.Config;
    /// <summary>The served base weights' fingerprint; an adapter that records another base is refused.</summary>
    public string BaseWeightsSha256 { get; }
    public Qwen3Tokenizer Tokenizer => tokenizer;
    public EngineStats Stats { get; private set; }

    /// <summary>How adapter deltas are computed; may change between steps (both kernels give the same result).</summary>
    public LoraKernel LoraKernel { get => lora.Kernel; set => lora.Kernel = value; }

    /// <summary>
    /// Queues a sequence; its chunks arrive on the returned reader, which completes after the chunk with a finish reason
    /// (or with the error, or as cancelled). Cancelling <paramref name="cancellationToken"/> frees its slot at the next step.
    /// Throws <see cref="InferenceRefusedException"/> for a request that cannot fit or must wait, and
    /// <see cref="InvalidAdapterException"/> when its adapter does not fit this base.
    /// </summary>
    public ChannelReader<GenerationChunk> Submit(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Prompt.Length == 0) throw new ArgumentException("the prompt has no token", nameof(request));
        if (request.Sampling.MaxTokens < 1) throw new ArgumentException("max tokens must be at least 1", nameof(request));
        var context = request.Prompt.Length + request.Sampling.MaxTokens;
        if (context > model.Config.MaxPositionEmbeddings)
            throw new InferenceRefusedException($"prompt ({request.Prompt.Length}) plus max tokens ({request.Sampling.MaxTokens}) is {context} tokens; the model's context is {model.Config.MaxPositionEmbeddings}", overloaded: false);
        if (request.Adapter is { } adapter) residency.Check(adapter);
        var sequence = new Sequence(request, tokenizer, Interlocked.Increment(ref submitted));
        if (sequence.PagesNeeded(cache.PageSize) > pages.Total)
            throw new InferenceRefusedException($"prompt plus max tokens needs {context} tokens of KV cache; this engine's whole cache holds {pages.Total * cache.PageSize}", overloaded: false);
        if (Stats.Waiting + incoming.Count >= options.MaxWaiting)
            throw new InferenceRefusedException($"{options.MaxWaiting} requests are already waiting for this model", overloaded: true);
        sequence.Registration = cancellationToken.Register(() => { sequence.Cancel(); wake.Set(); });
        incoming.Enqueue(sequence);
        wake.Set();
        return sequence.Reader;
    }

    /// <summary>Starts loading an adapter so the first request that names it does not wait.</summary>
    public void Preload(AdapterRef adapter) => residency.RequestLoad(adapter);

    /// <summary>Drops an adapter from the table (after its running sequences end); later requests load it again.</summary>
    public void Unload(string adapterId) => residency.RequestUnload(adapterId);

    private static Dictionary<string, MultiLoraLinear> WrapLinears(Qwen3ForCausalLM model, int slots, int maxRank, LoraBatch batch)
    {
        var wrapped = new Dictionary<string, MultiLoraLinear>();
        foreach (var (name, module) in model.named_modules().ToList())
        {
            if (module is not ILinearContainer container) continue;
            foreach (var (child, linear) in module.named_children().Where(c => c.module is Linear).ToList())
            {
                var layer = new MultiLoraLinear((Linear)linear, slots, maxRank, batch);
                container.ReplaceLinear(child, layer);
                wrapped[$"{name}.{child}"] = layer;
            }
        }
        return wrapped;
    }

    public void Dispose()
    {
        stopping = true;
        wake.Set();
        thread.Join();
        cache.Dispose();
        lora.Dispose();
        model.Dispose();
        wake.Dispose();
    }
}
