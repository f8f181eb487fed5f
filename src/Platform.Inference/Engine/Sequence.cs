using System.Threading.Channels;
using Platform.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Engine;

/// <summary>
/// One request inside the engine: its tokens (prompt, then output), how many of them the KV cache holds, its pages and
/// adapter slot while running. Rows feed <see cref="Pending"/> tokens next: the rest of the prompt in chunks, then one.
/// </summary>
internal sealed class Sequence(InferenceRequest request, Qwen3Tokenizer tokenizer, long order)
{
    private readonly Channel<GenerationChunk> channel = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile bool cancelled;

    public InferenceRequest Request { get; } = request;
    public SamplingParams Sampling => Request.Sampling;
    public long Order { get; } = order;
    public List<int> Tokens { get; } = [.. request.Prompt];
    public int Generated { get; set; }
    public int Cached { get; set; }
    public int Pending => Tokens.Count - Cached;
    public int[]? Pages { get; set; }
    public int Slot { get; set; }
    public Generator? Generator { get; set; }
    public TextTracker Text { get; } = new(tokenizer, request.Sampling.Stop);
    public ChannelReader<GenerationChunk> Reader => channel.Reader;
    public CancellationTokenRegistration Registration { get; set; }
    public bool Cancelled => cancelled;

    /// <summary>Page count reserved at admission: the prompt plus every token it may generate.</summary>
    public int PagesNeeded(int pageSize) => (Request.Prompt.Length + Sampling.MaxTokens + pageSize - 1) / pageSize;

    public void Cancel() => cancelled = true;

    public void Write(GenerationChunk chunk) => channel.Writer.TryWrite(chunk);

    public void Complete(Exception? error = null) => channel.Writer.TryComplete(error);
}
