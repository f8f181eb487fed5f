using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>
/// A Hugging Face model folder: config.json plus model.safetensors, or shards listed in model.safetensors.index.json.
/// </summary>
public static class HfModelFolder
{
    public const string ConfigFile = "config.json";
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Builds the model from config.json and loads every weight, tensor by tensor, in <paramref name="dtype"/>.</summary>
    public static Qwen3ForCausalLM Load(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null,
        CancellationToken cancellationToken = default)
    {
        var config = Qwen3Config.FromFile(Path.Combine(directory, ConfigFile));
        var model = new Qwen3ForCausalLM(config, new Qwen3Parameters(device ?? CPU, dtype));
        try
        {
            var targets = model.state_dict();
            var loaded = SafetensorsLoader.LoadInto(targets, WeightFiles(directory), cancellationToken);
            var missing = targets.Keys.Except(loaded).Where(k => !(config.TieWordEmbeddings && k == "lm_head.weight")).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"{directory}: {missing.Count} weights missing, e.g. {string.Join(", ", missing.Take(5))}");
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes config.json and the weights (tied lm_head left out, as HF does), in shards of at most
    /// <paramref name="maxShardBytes"/> with an index when they do not fit in one file.
    /// </summary>
    public static void Save(Qwen3ForCausalLM model, string directory, ScalarType? dtype = null, long maxShardBytes = 5_000_000_000,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var stored = dtype ?? model.Parameters.DType;
        var config = model.Config with { TorchDtype = TorchDtypeName(stored) };
        File.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());

        var state = model.CheckpointStateDict();
        var shards = Shard(state, t => SafetensorsWriter.StoredBytes(t, stored), maxShardBytes);
        if (shards.Count == 1)
        {
            SafetensorsWriter.Save(Path.Combine(directory, SingleFile), state, dtype: stored);
            return;
        }
        var weightMap = new JsonObject();
        for (var i = 0; i < shards.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsWriter.Save(Path.Combine(directory, file), shards[i].ToDictionary(k => k, k => state[k]), dtype: stored);
            foreach (var key in shards[i]) weightMap[key] = file;
        }
        var totalSize = state.Values.Sum(t => SafetensorsWriter.StoredBytes(t, stored));
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = totalSize }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(directory, IndexFile), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>config.json's torch_dtype spelling.</summary>
    public static string TorchDtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float32 => "float32",
        _ => throw new NotSupportedException($"models are not stored in {dtype}"),
    };

    /// <summary>The safetensors files of a folder: the shards named by the index, or the single file.</summary>
    public static IReadOnlyList<string> WeightFiles(string directory)
    {
        var index = Path.Combine(directory, IndexFile);
        if (!File.Exists(index)) return [Path.Combine(directory, SingleFile)];
        var weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"]?.AsObject()
            ?? throw new InvalidDataException($"{index} has no weight_map");
        return weightMap.Select(kv => kv.Value!.GetValue<string>()).Distinct().Select(f => Path.Combine(directory, f)).ToList();
    }

    private static List<List<string>> Shard(Dictionary<string, Tensor> state, Func<Tensor, long> bytes, long maxShardBytes)
    {
        var shards = new List<List<string>> { new() };
        long current = 0;
        foreach (var key in state.Keys.Order(StringComparer.Ordinal))
        {
            var size = bytes(state[key]);
            if (current > 0 && current + size > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(key);
            current += size;
        }
        return shards;
    }
}
