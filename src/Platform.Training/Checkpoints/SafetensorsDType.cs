using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>The dtype names of the safetensors format and their TorchSharp types.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, ScalarType> ByName = new()
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    private static readonly Dictionary<ScalarType, string> ByType = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static ScalarType ToScalarType(string name) =>
        ByName.TryGetValue(name, out var type) ? type : throw new NotSupportedException($"safetensors dtype {name} is not supported");

    public static string ToName(ScalarType type) =>
        ByType.TryGetValue(type, out var name) ? name : throw new NotSupportedException($"{type} cannot be stored in safetensors here");
}
