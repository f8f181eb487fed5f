using Platform.Training.Checkpoints;
using Platform.Training.Qwen3;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Lora;

/// <summary>
/// LoRA adapters injected into a Qwen3 model in place of its targeted linears (PEFT's LoraModel), the base frozen.
/// Saves and loads PEFT's adapter folder: adapter_config.json + adapter_model.safetensors.
/// </summary>
public sealed class LoraAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string PeftPrefix = "base_model.model.";

    private readonly Qwen3ForCausalLM model;
    private readonly List<(ILinearContainer Parent, string Child, string Name, LoraLinear Layer)> layers;

    private LoraAdapter(Qwen3ForCausalLM model, LoraConfig config, List<(ILinearContainer, string, string, LoraLinear)> layers)
    {
        this.model = model;
        Config = config;
        this.layers = layers;
    }

    public LoraConfig Config { get; }

    /// <summary>Wrapped linears by module name (model.layers.0.self_attn.q_proj).</summary>
    public IReadOnlyDictionary<string, LoraLinear> Layers => layers.ToDictionary(l => l.Name, l => l.Layer);

    /// <summary>
    /// Freezes every model weight, then wraps each targeted linear. A is drawn from <paramref name="seed"/>, B is zero,
    /// so the model's output is unchanged until training moves B.
    /// </summary>
    public static LoraAdapter Apply(Qwen3ForCausalLM model, LoraConfig config, ulong seed = 0, ScalarType dtype = ScalarType.Float32)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        using var generator = new Generator(seed);
        var wrapped = new List<(ILinearContainer, string, string, LoraLinear)>();
        foreach (var (name, module) in model.named_modules().Prepend(("", model)).ToList()) // TorchSharp leaves out the root
        {
            if (module is not ILinearContainer container) continue;
            foreach (var (child, linear) in module.named_children().Where(c => c.module is Linear).ToList())
            {
                var fullName = name.Length == 0 ? child : $"{name}.{child}"; // the root holds lm_head
                if (!config.Targets(fullName)) continue;
                var layer = new LoraLinear((Linear)linear, config, generator, dtype);
                container.ReplaceLinear(child, layer);
                wrapped.Add((container, child, fullName, layer));
            }
        }
        if (wrapped.Count == 0)
            throw new ArgumentException($"no linear matches target_modules [{string.Join(", ", config.TargetModules)}]", nameof(config));
        return new LoraAdapter(model, config, wrapped);
    }

    public IEnumerable<Parameter> TrainableParameters() => layers.SelectMany(l => new[] { l.Layer.A, l.Layer.B });

    /// <summary>The adapter weights under PEFT's saved names, e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight.</summary>
    public Dictionary<string, Tensor> PeftStateDict() =>
        layers.SelectMany(l => new[]
        {
            KeyValuePair.Create($"{PeftPrefix}{l.Name}.lora_A.weight", (Tensor)l.Layer.A),
            KeyValuePair.Create($"{PeftPrefix}{l.Name}.lora_B.weight", (Tensor)l.Layer.B),
        }).ToDictionary();

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), Config.ToPeftJson(layers.Select(l => l.Child)));
        SafetensorsWriter.Save(Path.Combine(directory, WeightsFile), PeftStateDict());
    }

    /// <summary>Applies the adapter described by a PEFT folder to <paramref name="model"/> and loads its weights.</summary>
    public static LoraAdapter Load(Qwen3ForCausalLM model, string directory, ScalarType dtype = ScalarType.Float32,
        CancellationToken cancellationToken = default)
    {
        var config = LoraConfig.FromPeftJson(File.ReadAllText(Path.Combine(directory, ConfigFile)));
        var adapter = Apply(model, config, seed: 0, dtype);
        var targets = adapter.PeftStateDict();
        var loaded = SafetensorsLoader.LoadInto(targets, [Path.Combine(directory, WeightsFile)], cancellationToken,
            // PEFT names the adapter inside the key while training ("lora_A.default.weight"); saved files drop it
            name => name.Replace(".lora_A.default.", ".lora_A.").Replace(".lora_B.default.", ".lora_B."));
        var missing = targets.Keys.Except(loaded).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"{directory}: adapter weights missing, e.g. {missing[0]}");
        return adapter;
    }

    /// <summary>
    /// Switches every adapter off until the returned scope is disposed, so the model computes the frozen base: the
    /// reference policy of DPO and GRPO without a second copy of the weights (PEFT's disable_adapter context).
    /// </summary>
    public IDisposable Disabled()
    {
        if (layers.Any(l => l.Layer.Merged)) throw new InvalidOperationException("a merged adapter cannot be switched off; unmerge it first");
        layers.ForEach(l => l.Layer.Enabled = false);
        return new EnableOnDispose(layers.Select(l => l.Layer).ToList());
    }

    private sealed class EnableOnDispose(List<LoraLinear> layers) : IDisposable
    {
        public void Dispose() => layers.ForEach(l => l.Enabled = true);
    }

    /// <summary>Merges in place (see <see cref="MergeAndUnload"/> on tied embeddings).</summary>
    public void Merge()
    {
        if (layers.Any(l => l.Name == "lm_head")) model.UntieWeights();
        layers.ForEach(l => l.Layer.Merge());
    }

    public void Unmerge() => layers.ForEach(l => l.Layer.Unmerge());

    /// <summary>
    /// Merges and puts the base linears back, so the model has plain HF keys again (for export). A LoRA on the head of a
    /// model with tied embeddings unties them first: merged into the shared matrix it would also change the input
    /// embeddings (and a tied export would drop the trained head).
    /// </summary>
    public void MergeAndUnload()
    {
        if (layers.Any(l => l.Name == "lm_head")) model.UntieWeights();
        foreach (var (parent, child, _, layer) in layers)
        {
            layer.Merge();
            parent.ReplaceLinear(child, layer.BaseLayer);
        }
        layers.Clear();
    }
}
