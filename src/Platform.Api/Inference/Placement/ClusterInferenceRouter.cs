using System.Collections.Concurrent;
using Platform.Domain.Models;
using Platform.Training.Checkpoints;
using Platform.Training.Text;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// Routes a request to an engine holding its base: this process's own when it has the inference role and the base
/// (no hop), else an inference silo chosen by the <see cref="InferenceSiloView"/> (adapter affinity, then load).
/// </summary>
public sealed class ClusterInferenceRouter(
    InferenceSiloView view, IGrainFactory grains, BaseModelRegistry registry, ILogger<ClusterInferenceRouter> logger, InferencePool? local = null)
    : IInferenceRouter
{
    private readonly ConcurrentDictionary<string, Lazy<(Qwen3Tokenizer Tokenizer, int MaxContext)>> shapes = new();

    public async Task<IInferenceTarget> RouteAsync(ServedModel model, CancellationToken cancellationToken)
    {
        if (local is not null && local.AvailableBases.Contains(model.BaseModelId))
            return new LocalInferenceTarget(local, await Task.Run(() => local.Engine(model.BaseModelId), cancellationToken));
        if (!view.Any(model.BaseModelId)) await view.RefreshAsync(cancellationToken);  // e.g. the first request after start-up
        if (!view.Any(model.BaseModelId))
            throw new InferenceUnavailableException($"No inference silo serves base model '{model.BaseModelId}' at the moment; retry later.");
        var (tokenizer, maxContext) = shapes.GetOrAdd(model.BaseModelId, id => new Lazy<(Qwen3Tokenizer, int)>(() => Shape(id))).Value;
        return new RemoteInferenceTarget(view, grains, model, tokenizer, maxContext, logger);
    }

    /// <summary>What the API needs of a base without loading its weights: the tokenizer, to encode prompts, and the context length.</summary>
    private (Qwen3Tokenizer, int) Shape(string baseModelId)
    {
        var model = registry.Find(baseModelId) ?? throw new InvalidOperationException($"no base model '{baseModelId}'");
        var source = model.Preset ?? model.Path ?? throw new InvalidOperationException($"base model '{baseModelId}' has neither a preset nor a path");
        return (BaseModelLoader.LoadTokenizer(source), BaseModelLoader.LoadConfig(source).MaxPositionEmbeddings);
    }
}
