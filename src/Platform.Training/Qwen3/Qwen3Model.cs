using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Qwen3;

/// <summary>Qwen3Model: embeddings, decoder layers, final norm; returns the last hidden state.</summary>
public sealed class Qwen3Model : nn.Module
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<Qwen3DecoderLayer> layers;
    private readonly Qwen3RMSNorm norm;
    private readonly Qwen3RotaryEmbedding rotary_emb;

    public Qwen3Model(Qwen3Config config, Qwen3Parameters parameters) : base(nameof(Qwen3Model))
    {
        embed_tokens = parameters.Embedding(config.VocabSize, config.HiddenSize);
        layers = new ModuleList<Qwen3DecoderLayer>(
            Enumerable.Range(0, config.NumHiddenLayers).Select(i => new Qwen3DecoderLayer(config, i, parameters)).ToArray());
        norm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, parameters);
        rotary_emb = new Qwen3RotaryEmbedding(config, parameters.Device);
        RegisterComponents();
    }

    public TokenEmbedding EmbedTokens => embed_tokens;
    public IList<Qwen3DecoderLayer> Layers => layers;

    /// <param name="input_ids">(B, T) int64.</param>
    /// <param name="attention_mask">(B, S) with 1 for real tokens and 0 for padding, S = cached + T; null = no padding.
    /// Or a ready (B, 1, T, S) boolean mask (true = may attend), used as is (rows whose caches differ in length).</param>
    /// <param name="position_ids">(B, T) int64; null = cached, cached + 1, … as HF.</param>
    /// <returns>(B, T, H)</returns>
    public Tensor forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? position_ids = null, IKvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (input_ids.shape[0], input_ids.shape[1]);
        var past = cache?.Length ?? 0;
        var hidden = embed_tokens.call(input_ids);                                                       // (B, T, H)
        position_ids ??= arange(past, past + length, ScalarType.Int64, input_ids.device).expand(batch, length); // (B, T)
        var mask = attention_mask?.dim() == 4 ? attention_mask : AttentionMask.Build(attention_mask, length, past, input_ids.device);
        var (cos, sin) = rotary_emb.forward(position_ids, hidden.dtype);                                 // (B, T, D)
        foreach (var layer in layers)
            hidden = layer.forward(hidden, cos, sin, mask, cache);
        return norm.call(hidden).MoveToOuterDisposeScope();
    }
}
