using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Lora;

/// <summary>A PEFT adapter folder read into CPU tensors: per module name (model.layers.0.self_attn.q_proj) its A and B.</summary>
internal sealed class AdapterWeights : IDisposable
{
    private const string PeftPrefix = "base_model.model.";

    private AdapterWeights(LoraConfig config, Dictionary<string, (Tensor A, Tensor B)> modules)
    {
        Config = config;
        Modules = modules;
    }

    public LoraConfig Config { get; }
    public Dictionary<string, (Tensor A, Tensor B)> Modules { get; }

    /// <summary>Reads adapter_config.json and adapter_model.safetensors; every module must be one the engine wraps.</summary>
    public static AdapterWeights Read(string folder, IReadOnlySet<string> knownModules, int maxRank, CancellationToken cancellationToken)
    {
        var config = LoraConfig.FromPeftJson(File.ReadAllText(Path.Combine(folder, LoraAdapter.ConfigFile)));
        if (config.Rank > maxRank) throw new InvalidDataException($"{folder}: rank {config.Rank} is above the engine's largest ({maxRank})");
        var halves = new Dictionary<string, Tensor>();
        var modules = new Dictionary<string, (Tensor, Tensor)>();
        try
        {
            using var reader = SafetensorsReader.Open(Path.Combine(folder, LoraAdapter.WeightsFile));
            foreach (var name in reader.Entries.Keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = name.Replace(".lora_A.default.", ".lora_A.").Replace(".lora_B.default.", ".lora_B.");
                if (!key.StartsWith(PeftPrefix, StringComparison.Ordinal)) throw new InvalidDataException($"{folder}: unexpected tensor '{name}'");
                halves[key[PeftPrefix.Length..]] = reader.Read(name, ScalarType.Float32).DetachFromDisposeScope();
            }
            foreach (var module in halves.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal)).Select(k => k[..^".lora_A.weight".Length]))
            {
                if (!knownModules.Contains(module)) throw new InvalidDataException($"{folder}: the base model has no linear '{module}'");
                if (!halves.TryGetValue(module + ".lora_B.weight", out var b)) throw new InvalidDataException($"{folder}: '{module}' has no lora_B");
                modules[module] = (halves[module + ".lora_A.weight"], b);
            }
            return new AdapterWeights(config, modules);
        }
        catch
        {
            foreach (var t in halves.Values) t.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var (a, b) in Modules.Values)
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
