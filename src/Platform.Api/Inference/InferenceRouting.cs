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

    /// <summary>
    /// The sequence's chunks once an engine admitted it; throws <see cref="Platform.Inference.InferenceRefusedException"/>
    /// when refused, <see cref="InferenceUnavailableException"/> when no engine could be reached. Cancelling frees its slot.
    /// </summary>
    Task<ChannelReader<GenerationChunk>> SubmitAsync(InferenceRequest request, CancellationToken cancellationToken);
}

/// <summary>This process's own engine for the base: no serialization, no hop.</summary>
public sealed class LocalInferenceTarget(InferencePool pool, InferenceEngine engine) : IInferenceTarget
{
    public Qwen3Tokenizer Tokenizer => engine.Tokenizer;
    public int MaxContext => engine.Config.MaxPositionEmbeddings;
    public Task<ChannelReader<GenerationChunk>> SubmitAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(pool.Submit(engine, request, cancellationToken));
}

/// <summary>No inference silo holds the base (or none could be reached): 503 inference_unavailable.</summary>
public sealed class InferenceUnavailableException(string message) : Exception(message);

/// <summary>The silo running a sequence went away after its first token was sent: the client should retry (503 / an error event).</summary>
public sealed class InferenceInterruptedException(string message, Exception? inner = null) : Exception(message, inner);
