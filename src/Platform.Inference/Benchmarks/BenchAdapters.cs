using Platform.Inference.Lora;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using static TorchSharp.torch;

namespace Platform.Inference.Benchmarks;

/// <summary>PEFT adapter folders with random weights on every linear of a config, written straight to disk (no model copy).</summary>
internal static class BenchAdapters
{
    public static AdapterRef Write(Qwen3Config config, string folder, string id, int rank, ulong seed)
    {
        Directory.CreateDirectory(folder);
        using var generator = new Generator(seed);
        var shapes = new (string Name, long Out, long In)[]
        {
            ("self_attn.q_proj", config.NumAttentionHeads * config.HeadDimension, config.HiddenSize),
            ("self_attn.k_proj", config.KeyValueHeads * config.HeadDimension, config.HiddenSize),
            ("self_attn.v_proj", config.KeyValueHeads * config.HeadDimension, config.HiddenSize),
            ("self_attn.o_proj", config.HiddenSize, config.NumAttentionHeads * config.HeadDimension),
            ("mlp.gate_proj", config.IntermediateSize, config.HiddenSize),
            ("mlp.up_proj", config.IntermediateSize, config.HiddenSize),
            ("mlp.down_proj", config.HiddenSize, config.IntermediateSize),
        };
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
            foreach (var (name, outFeatures, inFeatures) in shapes)
            {
                var prefix = $"base_model.model.model.layers.{layer}.{name}";
                tensors[$"{prefix}.lora_A.weight"] = randn([rank, inFeatures], generator: generator) * (1 / Math.Sqrt(inFeatures));
                tensors[$"{prefix}.lora_B.weight"] = randn([outFeatures, rank], generator: generator) * 0.01;
            }
        var loraConfig = new LoraConfig { Rank = rank, Alpha = 2 * rank };
        File.WriteAllText(Path.Combine(folder, LoraAdapter.ConfigFile), loraConfig.ToPeftJson(shapes.Select(s => s.Name.Split('.')[1])));
        SafetensorsWriter.Save(Path.Combine(folder, LoraAdapter.WeightsFile), tensors);
        return new AdapterRef(id, folder);
    }
}
