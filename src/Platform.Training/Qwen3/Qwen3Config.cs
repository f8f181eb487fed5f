using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Platform.Training.Qwen3;

/// <summary>
/// The fields of Hugging Face's config.json for model_type "qwen3" that the architecture reads
/// (transformers/models/qwen3/configuration_qwen3.py; defaults are HF's).
/// </summary>
public sealed record Qwen3Config
{
    public int VocabSize { get; init; } = 151936;
    public int HiddenSize { get; init; } = 4096;
    public int IntermediateSize { get; init; } = 22016;
    public int NumHiddenLayers { get; init; } = 32;
    public int NumAttentionHeads { get; init; } = 32;
    /// <summary>GQA: null means one kv head per query head, as in HF.</summary>
    public int? NumKeyValueHeads { get; init; }
    public int? HeadDim { get; init; }
    public string HiddenAct { get; init; } = "silu";
    public int MaxPositionEmbeddings { get; init; } = 32768;
    public double InitializerRange { get; init; } = 0.02;
    public double RmsNormEps { get; init; } = 1e-6;
    /// <summary>Older config.json files put it at the top level; transformers 5 writes it in rope_parameters.</summary>
    public double? RopeTheta { get; init; }
    public JsonObject? RopeParameters { get; init; }
    public JsonNode? RopeScaling { get; init; }
    public bool TieWordEmbeddings { get; init; }
    public bool AttentionBias { get; init; }
    public double AttentionDropout { get; init; }
    public bool UseSlidingWindow { get; init; }
    public int? PadTokenId { get; init; }
    public int? BosTokenId { get; init; }
    [JsonConverter(typeof(TokenIdListConverter))]
    public int[]? EosTokenId { get; init; }
    public string? TorchDtype { get; init; }
    public string ModelType { get; init; } = "qwen3";
    public string[] Architectures { get; init; } = ["Qwen3ForCausalLM"];

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDimension => HeadDim ?? HiddenSize / NumAttentionHeads;
    [JsonIgnore] public double RopeBase =>
        RopeTheta ?? RopeParameters?["rope_theta"]?.GetValue<double>() ?? 10000.0;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        WriteIndented = true,
    };

    public static Qwen3Config FromJson(string json) =>
        (JsonSerializer.Deserialize<Qwen3Config>(json, JsonOptions) ?? throw new InvalidDataException("config.json is empty"))
        .Validated();

    public static Qwen3Config FromFile(string path) => FromJson(File.ReadAllText(path));

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Rejects what this implementation does not do, rather than computing something else.</summary>
    public Qwen3Config Validated()
    {
        if (ModelType != "qwen3") throw new NotSupportedException($"model_type '{ModelType}' is not qwen3");
        if (HiddenAct != "silu") throw new NotSupportedException($"hidden_act '{HiddenAct}' is not supported");
        if (UseSlidingWindow) throw new NotSupportedException("use_sliding_window is not supported");
        var ropeType = RopeParameters?["rope_type"]?.GetValue<string>() ?? "default";
        if (RopeScaling is not null || ropeType != "default")
            throw new NotSupportedException("RoPE scaling (rope_scaling / rope_type other than default) is not supported");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new InvalidDataException("num_attention_heads must be a multiple of num_key_value_heads");
        return this;
    }

    /// <summary>eos_token_id is an int in some config.json files and a list in others.</summary>
    private sealed class TokenIdListConverter : JsonConverter<int[]>
    {
        public override int[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType switch
            {
                JsonTokenType.Number => [reader.GetInt32()],
                JsonTokenType.StartArray => JsonSerializer.Deserialize<int[]>(ref reader),
                _ => throw new JsonException("eos_token_id must be an int or a list of ints"),
            };

        public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options)
        {
            if (value.Length == 1) writer.WriteNumberValue(value[0]);
            else JsonSerializer.Serialize(writer, value);
        }
    }
}
