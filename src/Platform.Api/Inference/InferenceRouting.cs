using System.Threading.Channels;
using Platform.Inference.Engine;
using Platform.Training.Text;

namespace Platform.Api.Inference;

/// <summary>Where a model's requests run: an engine holding its base (this silo's, or another's through Orleans).</summary>
public interface IInferenceRouter
{
    Task<IInferenceTarget> RouteAsync(ServedModel model, CancellationToken cancellationToken);
}

public interface IInferenceTarget
{
    Qwen3Tokenizer Tokenizer { get; }
    int MaxContext { get; }
    ChannelReader<GenerationChunk> Submit(InferenceRequest request, CancellationToken cancellationToken);
}

/// <summary>This process's own engines (the one-process default, and every inference silo for itself).</summary>
public sealed class LocalInferenceRouter(InferencePool pool) : IInferenceRouter
{
    public async Task<IInferenceTarget> RouteAsync(ServedModel model, CancellationToken cancellationToken) =>
        new LocalTarget(await Task.Run(() => pool.Engine(model.BaseModelId), cancellationToken));

    private sealed class LocalTarget(InferenceEngine engine) : IInferenceTarget
    {
        public Qwen3Tokenizer Tokenizer => engine.Tokenizer;
        public int MaxContext => engine.Config.MaxPositionEmbeddings;
        public ChannelReader<GenerationChunk> Submit(InferenceRequest request, CancellationToken cancellationToken) => engine.Submit(request, cancellationToken);
    }
}

/// <summary>An API-only process with no inference silo to send to: completions answer 503 with a clear error.</summary>
public sealed class NoInferenceRouter : IInferenceRouter
{
    public Task<IInferenceTarget> RouteAsync(ServedModel model, CancellationToken cancellationToken) =>
        throw new InferenceUnavailableException($"No inference process holds base model '{model.BaseModelId}' (this process runs without the inference role).");
}

public sealed class InferenceUnavailableException(string message) : Exception(message);
