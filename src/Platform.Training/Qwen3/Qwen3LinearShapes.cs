namespace Platform.Training.Qwen3;

/// <summary>
/// The (out, in) shape of every linear a Qwen3 model of this config holds, by module name as PEFT and the state dict
/// spell it (<c>model.layers.0.self_attn.q_proj</c>, <c>lm_head</c>), without building the model.
/// </summary>
public static class Qwen3LinearShapes
{
    public static Dictionary<string, (long Out, long In)> Of(Qwen3Config c)
    {
        long hidden = c.HiddenSize, queries = (long)c.NumAttentionHeads * c.HeadDimension, keys = (long)c.KeyValueHeads * c.HeadDimension;
        var shapes = new Dictionary<string, (long Out, long In)>(StringComparer.Ordinal) { ["lm_head"] = (c.VocabSize, hidden) };
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = $"model.layers.{i}";
            shapes[$"{layer}.self_attn.q_proj"] = (queries, hidden);
            shapes[$"{layer}.self_attn.k_proj"] = (keys, hidden);
            shapes[$"{layer}.self_attn.v_proj"] = (keys, hidden);
            shapes[$"{layer}.self_attn.o_proj"] = (hidden, queries);
            shapes[$"{layer}.mlp.gate_proj"] = (c.IntermediateSize, hidden);
            shapes[$"{layer}.mlp.up_proj"] = (c.IntermediateSize, hidden);
            shapes[$"{layer}.mlp.down_proj"] = (hidden, c.IntermediateSize);
        }
        return shapes;
    }
}
