using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Generation;

/// <summary>
/// Autoregressive decoding with a KV cache for a batch of prompts of different lengths: prompts are left-padded with an
/// attention mask (positions count real tokens only, as HF generate), and finished rows leave the batch and the cache.
/// </summary>
public sealed class Qwen3Generator(Qwen3ForCausalLM model)
{
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<int[]> prompts, GenerationOptions options,
        Action<GeneratedToken>? onToken = null, CancellationToken cancellationToken = default)
    {
        if (prompts.Count == 0 || prompts.Any(p => p.Length == 0)) throw new ArgumentException("every prompt needs a token", nameof(prompts));
        TorchRuntime.EnsureInitialized();
        model.eval();
        using var _ = no_grad();
        using var sampler = new TokenSampler(options);
        using var cache = model.NewCache();
        using var batch = new DecodingBatch(prompts, options.PadTokenId, model.Parameters.Device);
        var outputs = prompts.Select(_ => new List<int>()).ToArray();
        var reasons = Enumerable.Repeat(FinishReason.Length, prompts.Count).ToArray();

        var logits = model.forward(batch.Tokens, batch.Mask, batch.Positions, cache, lastPositionOnly: true); // (B, 1, V)
        try
        {
            for (var step = 0; step < options.MaxNewTokens; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var lastLogits = logits[TensorIndex.Colon, -1];                                          // (B, V)
                var next = sampler.Next(lastLogits);                                                           // (B)
                var keep = new List<int>();
                for (var row = 0; row < next.Length; row++)
                {
                    var prompt = batch.Prompts[row];
                    outputs[prompt].Add((int)next[row]);
                    onToken?.Invoke(new GeneratedToken(prompt, step, (int)next[row]));
                    if (options.StopTokenIds.Contains((int)next[row])) reasons[prompt] = FinishReason.Stop;
                    else keep.Add(row);
                }
                if (keep.Count == 0 || step == options.MaxNewTokens - 1) break;

                batch.Advance(next, keep, cache);
                logits.Dispose();
                logits = model.forward(batch.Tokens, batch.Mask, batch.Positions, cache, lastPositionOnly: true);
            }
        }
        finally
        {
            logits.Dispose();
        }
        return outputs.Select((tokens, i) => new GeneratedSequence(tokens.ToArray(), reasons[i])).ToList();
    }
}
