using System.Threading.Channels;
using Platform.Domain.Inference;
using Platform.Inference;
using Platform.Inference.Engine;
using Platform.Training.Text;

namespace Platform.Api.Inference.Placement;

/// <summary>
/// A sequence run on another silo through its <see cref="IInferenceSiloGrain"/>, tokens streamed back as an
/// IAsyncEnumerable. A silo that cannot be reached (dead, or gone before the sequence's first token) is marked
/// unreachable and the sequence is tried once more on another silo; after the first token the stream ends with
/// <see cref="InferenceInterruptedException"/>, since the client already has part of the answer.
/// </summary>
public sealed partial class RemoteInferenceTarget(
    InferenceSiloView view, IGrainFactory grains, ServedModel model, Qwen3Tokenizer tokenizer, int maxContext, ILogger logger) : IInferenceTarget
{
    private const int MaxSilos = 2;  // the first choice and one retry elsewhere

    public Qwen3Tokenizer Tokenizer => tokenizer;
    public int MaxContext => maxContext;

    private sealed record Opened(string Silo, IAsyncEnumerator<InferenceChunk> Chunks, IDisposable Tracking);

    public async Task<ChannelReader<GenerationChunk>> SubmitAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var call = InferenceWire.ToCall(request, model);
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var opened = await OpenAsync(call, tried, cancellationToken);
        var output = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _ = PumpAsync(call, opened, tried, output.Writer, cancellationToken);
        return output.Reader;
    }

    /// <summary>Starts the sequence on the best silo not yet tried, until one admits or refuses it.</summary>
    private async Task<Opened> OpenAsync(InferenceCall call, HashSet<string> tried, CancellationToken cancellationToken)
    {
        Exception? lost = null;
        while (tried.Count < MaxSilos && await ChooseAsync(call, tried, cancellationToken) is { } silo)
        {
            tried.Add(silo);
            var tracking = view.Track(silo);
            var chunks = grains.GetGrain<IInferenceSiloGrain>(silo).Generate(call, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                if (!await chunks.MoveNextAsync()) throw new EnumerationAbortedException("the silo ended the sequence before admitting it");
                if (chunks.Current is { Kind: InferenceChunkKind.Refused, Code: InferenceChunk.AdapterInvalid } invalid)
                    throw new InvalidAdapterException(invalid.Text);
                if (chunks.Current.Kind == InferenceChunkKind.Refused)
                    throw new InferenceRefusedException(chunks.Current.Text, chunks.Current.Overloaded);
                return new Opened(silo, chunks, tracking);
            }
            catch (Exception e) when (IsSiloLost(e, cancellationToken))
            {
                LogSiloLost(logger, silo, e);
                view.MarkUnreachable(silo);
                lost = e;
                Abandon(chunks, tracking);
            }
            catch
            {
                await CloseAsync(chunks, tracking);
                throw;
            }
        }
        throw new InferenceUnavailableException(lost is null
            ? $"No inference silo serves base model '{call.BaseModelId}' at the moment; retry later."
            : $"The inference silos tried for base model '{call.BaseModelId}' could not be reached; retry the request.");
    }

    /// <summary>The view's choice; with none left, the directory's latest list (a silo may have announced late) is asked once.</summary>
    private async Task<string?> ChooseAsync(InferenceCall call, HashSet<string> tried, CancellationToken cancellationToken)
    {
        if (view.Choose(call.BaseModelId, call.AdapterId, tried) is { } silo) return silo;
        await view.RefreshAsync(cancellationToken);
        return view.Choose(call.BaseModelId, call.AdapterId, tried);
    }

    private async Task PumpAsync(InferenceCall call, Opened opened, HashSet<string> tried, ChannelWriter<GenerationChunk> output, CancellationToken cancellationToken)
    {
        var sent = false;
        while (true)
        {
            try
            {
                while (await opened.Chunks.MoveNextAsync())
                {
                    output.TryWrite(InferenceWire.FromWire(opened.Chunks.Current));
                    sent = true;
                }
                output.TryComplete();
                await CloseAsync(opened.Chunks, opened.Tracking);
                return;
            }
            catch (Exception e) when (IsSiloLost(e, cancellationToken))
            {
                LogSiloLost(logger, opened.Silo, e);
                view.MarkUnreachable(opened.Silo);
                Abandon(opened.Chunks, opened.Tracking);
                if (sent)
                {
                    output.TryComplete(new InferenceInterruptedException("The inference server running this request went away; retry the request.", e));
                    return;
                }
                try { opened = await OpenAsync(call, tried, cancellationToken); }  // nothing sent yet: start over elsewhere
                catch (Exception again)
                {
                    output.TryComplete(again);
                    return;
                }
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                await CloseAsync(opened.Chunks, opened.Tracking);
                return;
            }
        }
    }

    /// <summary>Transport failures and a silo that vanished, as opposed to the engine's own errors or the caller leaving.</summary>
    private static bool IsSiloLost(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is OrleansException or TimeoutException or EnumerationAbortedException;

    /// <summary>A lost silo's enumerator: its disposal call may wait for a response timeout, so nobody waits for it.</summary>
    private static void Abandon(IAsyncEnumerator<InferenceChunk> chunks, IDisposable tracking) => _ = CloseAsync(chunks, tracking);

    private static async Task CloseAsync(IAsyncEnumerator<InferenceChunk> chunks, IDisposable tracking)
    {
        tracking.Dispose();
        try { await chunks.DisposeAsync(); }
        catch (Exception) { }  // the silo is gone or the enumeration already ended: nothing left to free there
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference silo {Silo} could not be reached")]
    private static partial void LogSiloLost(ILogger logger, string silo, Exception e);
}
