using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Concurrency;
using Platform.Domain.Inference;
using Platform.Domain.Storage;
using Platform.Inference;
using Platform.Inference.Engine;
using Platform.Inference.Lora;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// This silo's <see cref="InferencePool"/>, reachable from API silos. It lives here rather than in Platform.Domain
/// because the engines it fronts do: the domain project does not reference the serving engine.
/// </summary>
[Reentrant, SiloBoundPlacement]
public sealed class InferenceSiloGrain(InferencePool pool, IArtifactStore store) : Grain, IInferenceSiloGrain
{
    public async IAsyncEnumerable<InferenceChunk> Generate(InferenceCall call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var engine = await Task.Run(() => pool.Engine(call.BaseModelId), cancellationToken);
        using var slot = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ChannelReader<GenerationChunk>? reader = null;
        InferenceChunk? refusal = null;
        try { reader = pool.Submit(engine, InferenceWire.ToRequest(call, store), slot.Token); }
        catch (InferenceRefusedException e) { refusal = InferenceChunk.Refused(e.Message, e.Overloaded); }
        catch (InvalidAdapterException e) { refusal = InferenceChunk.Refused(e.Message, overloaded: false, InferenceChunk.AdapterInvalid); }
        yield return refusal ?? InferenceChunk.Admitted;
        if (reader is null) yield break;
        try
        {
            await foreach (var chunk in reader.ReadAllAsync(cancellationToken)) yield return InferenceWire.ToWire(chunk);
        }
        finally
        {
            slot.Cancel();  // the caller went away (or the stream ended): the engine drops the sequence at its next step
        }
    }

    public Task Preload(string baseModelId, string modelId, string adapterPath)
    {
        pool.Loaded(baseModelId)?.Preload(new AdapterRef(modelId, store.Folder(adapterPath)));
        return Task.CompletedTask;
    }

    public Task Unload(string modelId)
    {
        pool.Unload(modelId);
        return Task.CompletedTask;
    }
}
