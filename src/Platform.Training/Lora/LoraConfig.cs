using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Training.Lora;

/// <summary>
/// PEFT's LoraConfig, the subset this implementation honours. Saved as adapter_config.json with PEFT's field names so
/// PEFT (PeftModel.from_pretrained) can read the adapter.
/// </summary>
public sealed record LoraConfig
{
    public const string AllLinear = "all-linear";

    public int Rank { get; init; } = 16;
    public double Alpha { get; init; } = 32;
    public double Dropout { get; init; }
    /// <summary>Module names matched as PEFT does (the whole name or its last dotted parts), or ["all-linear"].</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [AllLinear];
    /// <summary>rsLoRA: scale by alpha / sqrt(r) instead of alpha / r.</summary>
    public bool UseRsLora { get; init; }
    public string? BaseModelNameOrPath { get; init; }

    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Whether the linear at <paramref name="moduleName"/> (e.g. model.layers.0.self_attn.q_proj) gets an adapter.</summary>
    public bool Targets(string moduleName)
    {
        if (TargetModules.Count == 1 && TargetModules[0] == AllLinear) return moduleName != "lm_head";
        return TargetModules.Any(t => moduleName == t || moduleName.EndsWith("." + t, StringComparison.Ordinal));
    }

    /// <summary>adapter_config.json as PEFT writes it; <paramref name="targeted"/> are the short names actually wrapped.</summary>
    public string ToPeftJson(IEnumerable<string> targeted)
    {
        var json = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = BaseModelNameOrPath,
            ["r"] = Rank,
            ["lora_alpha"] = Alpha,
            ["lora_dropout"] = Dropout,
            ["target_modules"] = new JsonArray(targeted.Distinct().Order(StringComparer.Ordinal).Select(t => (JsonNode?)t).ToArray()),
            ["use_rslora"] = UseRsLora,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["use_dora"] = false,
            ["revision"] = null,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads adapter_config.json, refusing PEFT features this implementation would silently ignore.</summary>
    public static LoraConfig FromPeftJson(string text)
    {
        var json = JsonNode.Parse(text)?.AsObject() ?? throw new InvalidDataException("adapter_config.json is empty");
        if (json["peft_type"]?.GetValue<string>() is { } type && type != "LORA") throw new NotSupportedException($"peft_type {type}");
        if (json["use_dora"]?.GetValue<bool>() == true) throw new NotSupportedException("DoRA adapters are not supported");
        if (json["bias"]?.GetValue<string>() is { } bias && bias != "none") throw new NotSupportedException($"bias '{bias}'");
        if (json["rank_pattern"] is JsonObject { Count: > 0 } || json["alpha_pattern"] is JsonObject { Count: > 0 })
            throw new NotSupportedException("per-module rank_pattern / alpha_pattern are not supported");
        var targets = json["target_modules"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToArray(),
            JsonValue single => [single.GetValue<string>()],
            _ => throw new InvalidDataException("adapter_config.json has no target_modules"),
        };
        return new LoraConfig
        {
            Rank = json["r"]!.GetValue<int>(),
            Alpha = json["lora_alpha"]!.GetValue<double>(),
            Dropout = json["lora_dropout"]?.GetValue<double>() ?? 0,
            TargetModules = targets,
            UseRsLora = json["use_rslora"]?.GetValue<bool>() ?? false,
            BaseModelNameOrPath = json["base_model_name_or_path"]?.GetValue<string>(),
        };
    }
}
