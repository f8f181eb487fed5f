using Platform.Training.Qwen3;
using Platform.Training.Text;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>
/// A base model by name: a built-in preset (weights drawn from a fixed seed, so every process builds the same
/// "base" and adapters trained on it load anywhere), or an HF model folder on disk.
/// </summary>
public static class BaseModelLoader
{
    /// <summary>The seed that defines a preset's base weights. Changing it orphans every adapter trained on presets.</summary>
    public const ulong PresetSeed = 20250429;

    public static bool IsPreset(string presetOrFolder) => Qwen3Presets.ByName.ContainsKey(presetOrFolder);

    public static Qwen3ForCausalLM Load(string presetOrFolder, ScalarType dtype = ScalarType.Float32, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureInitialized();
        if (IsPreset(presetOrFolder))
        {
            var model = new Qwen3ForCausalLM(Qwen3Presets.Get(presetOrFolder), Qwen3Parameters.Cpu(dtype)).InitializeWeights(PresetSeed);
            model.eval();
            return model;
        }
        if (!File.Exists(Path.Combine(presetOrFolder, HfModelFolder.ConfigFile)))
            throw new ArgumentException(
                $"'{presetOrFolder}' is neither a preset ({string.Join(", ", Qwen3Presets.ByName.Keys)}) nor a model folder with {HfModelFolder.ConfigFile}");
        return HfModelFolder.Load(presetOrFolder, dtype, cancellationToken: cancellationToken);
    }

    /// <summary>The model's shape without its weights (a process that routes requests needs the context length, not the model).</summary>
    public static Qwen3Config LoadConfig(string presetOrFolder) =>
        IsPreset(presetOrFolder) ? Qwen3Presets.Get(presetOrFolder) : Qwen3Config.FromFile(Path.Combine(presetOrFolder, HfModelFolder.ConfigFile));

    /// <summary>The folder's tokenizer.json when it has one, else Qwen3's tokenizer shipped with the library (presets).</summary>
    public static Qwen3Tokenizer LoadTokenizer(string presetOrFolder) =>
        !IsPreset(presetOrFolder) && File.Exists(Path.Combine(presetOrFolder, TokenizerFiles.TokenizerJson))
            ? Qwen3Tokenizer.Load(Path.Combine(presetOrFolder, TokenizerFiles.TokenizerJson))
            : Qwen3Tokenizer.Load();

    public static ScalarType ParseDtype(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "fp32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" => ScalarType.Float16,
        _ => throw new ArgumentException($"unsupported dtype '{dtype}' (float32, bfloat16, float16)"),
    };
}
