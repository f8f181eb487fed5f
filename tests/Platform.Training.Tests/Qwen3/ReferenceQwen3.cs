using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Qwen3;

/// <summary>
/// An independent, deliberately plain Qwen3 forward for one unpadded sequence, in float64, from a state dict:
/// eager softmax attention, per-head loops, RoPE as explicit rotation of the pairs (i, i + D/2).
/// Written from modeling_qwen3.py's equations, not from the model's code.
/// </summary>
internal static class ReferenceQwen3
{
    public static Tensor Logits(Qwen3Config c, Dictionary<string, Tensor> w, long[] ids)
    {
        using var scope = NewDisposeScope();
        Tensor W(string key) => w[key].to(ScalarType.Float64);
        var t = ids.Length;
        var d = c.HeadDimension;
        var x = W("model.embed_tokens.weight").index_select(0, tensor(ids));                 // (T, H)
        for (var n = 0; n < c.NumHiddenLayers; n++)
        {
            var p = $"model.layers.{n}.";
            var h = Rms(x, W(p + "input_layernorm.weight"), c.RmsNormEps);
            var q = h.matmul(W(p + "self_attn.q_proj.weight").t()).view(t, c.NumAttentionHeads, d);
            var k = h.matmul(W(p + "self_attn.k_proj.weight").t()).view(t, c.KeyValueHeads, d);
            var v = h.matmul(W(p + "self_attn.v_proj.weight").t()).view(t, c.KeyValueHeads, d);
            q = Rope(Rms(q, W(p + "self_attn.q_norm.weight"), c.RmsNormEps), c.RopeBase);
            k = Rope(Rms(k, W(p + "self_attn.k_norm.weight"), c.RmsNormEps), c.RopeBase);
            var heads = new List<Tensor>();
            var causal = ones(t, t, ScalarType.Bool).tril();
            for (var head = 0; head < c.NumAttentionHeads; head++)
            {
                var kvHead = head / (c.NumAttentionHeads / c.KeyValueHeads);
                var scores = q[.., head].matmul(k[.., kvHead].t()) / Math.Sqrt(d);            // (T, T)
                scores = scores.masked_fill(causal.logical_not(), double.NegativeInfinity);
                heads.Add(scores.softmax(-1).matmul(v[.., kvHead]));                           // (T, D)
            }
            x = x + cat(heads, 1).matmul(W(p + "self_attn.o_proj.weight").t());
            h = Rms(x, W(p + "post_attention_layernorm.weight"), c.RmsNormEps);
            var gate = h.matmul(W(p + "mlp.gate_proj.weight").t());
            var up = h.matmul(W(p + "mlp.up_proj.weight").t());
            x = x + (gate * gate.sigmoid() * up).matmul(W(p + "mlp.down_proj.weight").t());
        }
        x = Rms(x, W("model.norm.weight"), c.RmsNormEps);
        var head_weight = c.TieWordEmbeddings ? W("model.embed_tokens.weight") : W("lm_head.weight");
        return x.matmul(head_weight.t()).MoveToOuterDisposeScope();                           // (T, V)
    }

    private static Tensor Rms(Tensor x, Tensor weight, double eps) =>
        weight * x / (x.pow(2).mean([-1], keepdim: true) + eps).sqrt();

    /// <summary>x (T, heads, D): position p rotates the pair (x[i], x[i + D/2]) by p / theta^(2i/D).</summary>
    private static Tensor Rope(Tensor x, double theta)
    {
        var (t, d) = (x.shape[0], x.shape[2]);
        var result = x.clone();
        for (long pos = 0; pos < t; pos++)
            for (long i = 0; i < d / 2; i++)
            {
                var angle = pos / Math.Pow(theta, 2.0 * i / d);
                var (a, b) = (x[pos, .., i], x[pos, .., i + d / 2]);
                result[pos, .., i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                result[pos, .., i + d / 2] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
        return result;
    }
}
