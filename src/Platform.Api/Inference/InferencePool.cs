using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Domain.Models;
using Platform.Inference;
using Platform.Inference.Engine;
using Platform.Inference.Lora;
using Platform.Training.Checkpoints;

namespace Platform.Api.Inference;

/// <summary>
/// This silo's engines, one per base model, each started on first use (loading the base takes a while; callers of the
/// same base wait for the same load). Every tenant's adapters are served from that one copy of the base.
/// </summary>
public sealed class InferencePool(BaseModelRegistry registry, IOptions<InferenceOptions> options, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InferenceEngine>> engines = new();
    private long sequences;

    /// <summary>Base model ids whose engine is running here.</summary>
    public IReadOnlyList<string> LoadedBases => [.. engines.Where(e => e.Value.IsValueCreated).Select(e => e.Key)];

    public IReadOnlyCollection<string> AvailableBases => registry.All.Select(m => m.Id).ToList();

    public InferenceEngine Engine(string baseModelId) =>
        engines.GetOrAdd(baseModelId, id => new Lazy<InferenceEngine>(() => Start(id), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>Sequences submitted to this silo's engines since it started (local and remote callers alike).</summary>
    public long Sequences => Interlocked.Read(ref sequences);

    /// <summary>Submits to one of this pool's engines, counting the sequence.</summary>
    public ChannelReader<GenerationChunk> Submit(InferenceEngine engine, InferenceRequest request, CancellationToken cancellationToken)
    {
        var reader = engine.Submit(request, cancellationToken);
        Interlocked.Increment(ref sequences);
        return reader;
    }

    public InferenceEngine? Loaded(string baseModelId) =>
        engines.TryGetValue(baseModelId, out var engine) && engine.IsValueCreated ? engine.Value : null;

    /// <summary>Unloads a deleted model's adapter from every engine that may hold it.</summary>
    public void Unload(string modelId)
    {
        foreach (var engine in engines.Values.Where(e => e.IsValueCreated)) engine.Value.Unload(modelId);
    }

    public void Preload(string baseModelId, AdapterRef adapter) => Engine(baseModelId).Preload(adapter);

    private InferenceEngine Start(string id)
    {
        var model = registry.Find(id) ?? throw new InvalidOperationException($"no base model '{id}'");
        var source = model.Preset ?? model.Path ?? throw new InvalidOperationException($"base model '{id}' has neither a preset nor a path");
        var weights = BaseModelLoader.Load(source, BaseModelLoader.ParseDtype(model.Dtype));
        return new InferenceEngine(weights, BaseModelLoader.LoadTokenizer(source), options.Value, loggers.CreateLogger<InferenceEngine>());
    }

    public void Dispose()
    {
        foreach (var engine in engines.Values.Where(e => e.IsValueCreated)) engine.Value.Dispose();
    }
}
