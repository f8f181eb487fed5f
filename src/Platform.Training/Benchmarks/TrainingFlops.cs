using Platform.Training.Qwen3;

namespace Platform.Training.Benchmarks;

/// <summary>
/// Matmul FLOPs one SFT step performs (elementwise ops, norms, softmax and cross-entropy not counted), term for term as
/// /work/shared/peers/torch_eager_train.py counts them except the LM head, which <see cref="Sft.SftLoss"/> runs only on
/// positions whose next token carries loss. Per sequence of T tokens with L = loss positions:
/// <list type="bullet">
/// <item>linears: forward 2·in·out·T each; backward full 2× forward (grad input + grad weight), LoRA 1× forward (grad
/// input only) except layer 0's q/k/v, whose input needs no grad (0).</item>
/// <item>LoRA A (in→r), B (r→out): forward 2·in·r + 2·r·out per token; backward 2× forward, minus layer 0's q/k/v A grad input.</item>
/// <item>attention: QKᵀ and AV, 2·(2·D)·keys per query head per token, causal keys averaging (T+1)/2; backward 2× forward.</item>
/// <item>LM head: 2·H·V per loss position forward; backward grad input 2·H·V, plus grad weight 2·H·V when trained (full).</item>
/// </list>
/// </summary>
public static class TrainingFlops
{
    public sealed record Breakdown(double Linear, double Lora, double Attention, double LmHead)
    {
        public double Total => Linear + Lora + Attention + LmHead;
    }

    public static Breakdown PerSequence(Qwen3Config c, int tokens, int lossPositions, bool lora, int rank)
    {
        var (h, i, layers) = ((double)c.HiddenSize, (double)c.IntermediateSize, c.NumHiddenLayers);
        (double In, double Out)[] qkv = [(h, c.NumAttentionHeads * c.HeadDimension), (h, c.KeyValueHeads * c.HeadDimension), (h, c.KeyValueHeads * c.HeadDimension)];
        (double In, double Out)[] rest = [(c.NumAttentionHeads * c.HeadDimension, h), (h, i), (h, i), (i, h)];
        var all = qkv.Concat(rest).ToArray();
        var linearForward = layers * all.Sum(s => 2 * s.In * s.Out) * tokens;
        var qkvLayer0 = qkv.Sum(s => 2 * s.In * s.Out) * tokens;
        var attentionForward = layers * c.NumAttentionHeads * 2.0 * (2 * c.HeadDimension) * (tokens + 1) / 2 * tokens;
        var head = 2 * h * c.VocabSize * lossPositions;
        if (!lora) return new Breakdown(3 * linearForward, 0, 3 * attentionForward, 3 * head);
        var loraForward = layers * all.Sum(s => 2 * s.In * rank + 2 * rank * s.Out) * tokens;
        var loraLayer0A = qkv.Sum(s => 2 * s.In * rank) * tokens;
        return new Breakdown(2 * linearForward - qkvLayer0, 3 * loraForward - loraLayer0A, 3 * attentionForward, 2 * head);
    }
}
