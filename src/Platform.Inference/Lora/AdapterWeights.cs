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

    /// <summary>
    /// Reads adapter_config.json and adapter_model.safetensors after <see cref="AdapterCheck"/> says they fit the engine's
    /// linears (<paramref name="linears"/>, (out, in) by module), rank and base weights; every weight must be finite.
    /// </summary>
    public static AdapterWeights Read(string folder, IReadOnlyDictionary<string, (long Out, long In)> linears, int maxRank, string? baseWeightsSha256,
        CancellationToken cancellationToken)
    {
        AdapterCheck.Require(folder, linears, baseWeightsSha256, maxRank, cancellationToken: cancellationToken);
        var config = LoraConfig.FromPeftJson(File.ReadAllText(Path.Combine(folder, LoraAdapter.ConfigFile)));
        var halves = new Dictionary<string, Tensor>();
        try
        {
            using var reader = SafetensorsReader.Open(Path.Combine(folder, LoraAdapter.WeightsFile));
            foreach (var name in reader.Entries.Keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = name.Replace(".lora_A.default.", ".lora_A.").Replace(".lora_B.default.", ".lora_B.");
                var tensor = reader.Read(name, ScalarType.Float32).DetachFromDisposeScope();
                halves[key[PeftPrefix.Length..]] = tensor;
                using var scope = NewDisposeScope();
                if (!tensor.isfinite().all().item<bool>()) throw new InvalidDataException($"tensor '{name}' holds NaN or infinite values");
            }
            var modules = halves.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal)).Select(k => k[..^".lora_A.weight".Length])
                .ToDictionary(m => m, m => (halves[m + ".lora_A.weight"], halves[m + ".lora_B.weight"]));
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
