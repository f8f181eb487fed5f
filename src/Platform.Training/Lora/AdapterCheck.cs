using System.Text.Json;
using Platform.Training.Checkpoints;
using Platform.Training.Provenance;
using static TorchSharp.torch;

namespace Platform.Training.Lora;

/// <summary>
/// Whether a PEFT adapter folder fits a base model, from its files: adapter_config.json parses and asks only for what
/// this implementation does; every tensor is a lora_A/lora_B of a linear the base has, A is (r, in) and B is (out, r)
/// at the configured rank; every target module named in the config has weights (else those linears would silently run
/// as the base); the rank fits the server; the base weights it records (<see cref="BaseFingerprint"/>) are the base's;
/// with <c>values</c>, every weight is finite. Returns the problems, each a sentence; empty means it fits.
/// </summary>
public static class AdapterCheck
{
    private const string PeftPrefix = "base_model.model.";
    private const string SuffixA = ".lora_A.weight", SuffixB = ".lora_B.weight";
    private static readonly string[] FloatTypes = ["F32", "F16", "BF16", "F64"];

    /// <param name="linears">The base's linears by module name, (out, in) each (<see cref="Qwen3.Qwen3LinearShapes"/>).</param>
    /// <param name="baseWeightsSha256">The base's fingerprint; null skips that comparison.</param>
    public static IReadOnlyList<string> Problems(string folder, IReadOnlyDictionary<string, (long Out, long In)> linears,
        string? baseWeightsSha256 = null, int? maxRank = null, bool values = false, CancellationToken cancellationToken = default)
    {
        LoraConfig config;
        try { config = LoraConfig.FromPeftJson(File.ReadAllText(Path.Combine(folder, LoraAdapter.ConfigFile))); }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or NotSupportedException or InvalidOperationException
                                      or NullReferenceException or UnauthorizedAccessException)
        {
            return [$"{LoraAdapter.ConfigFile} cannot be used: {e.Message}"];
        }
        var problems = new List<string>();
        if (config.Rank < 1) problems.Add($"rank {config.Rank} is not positive");
        if (maxRank is { } max && config.Rank > max) problems.Add($"rank {config.Rank} is above this server's largest ({max})");

        SafetensorsReader reader;
        try { reader = SafetensorsReader.Open(Path.Combine(folder, LoraAdapter.WeightsFile)); }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
        {
            return [.. problems, $"{LoraAdapter.WeightsFile} cannot be read: {e.Message}"];
        }
        using (reader)
        {
            var halves = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            foreach (var entry in reader.Entries.Values)
            {
                var key = entry.Name.Replace(".lora_A.default.", ".lora_A.").Replace(".lora_B.default.", ".lora_B.");
                if (!key.StartsWith(PeftPrefix, StringComparison.Ordinal) || !(key.EndsWith(SuffixA, StringComparison.Ordinal) || key.EndsWith(SuffixB, StringComparison.Ordinal)))
                    problems.Add($"tensor '{entry.Name}' is not a LoRA weight");
                else if (!FloatTypes.Contains(entry.DType)) problems.Add($"tensor '{entry.Name}' is {entry.DType}, not floating point");
                else halves[key[PeftPrefix.Length..]] = entry;
            }
            var modules = halves.Keys.Select(k => k[..^SuffixA.Length]).Distinct().Order(StringComparer.Ordinal).ToList();
            if (modules.Count == 0) problems.Add("the adapter holds no LoRA weights");
            foreach (var module in modules)
            {
                if (!linears.TryGetValue(module, out var shape)) { problems.Add($"the base model has no linear '{module}'"); continue; }
                if (!config.Targets(module)) problems.Add($"'{module}' has weights but is not among target_modules [{string.Join(", ", config.TargetModules)}]");
                if (!halves.TryGetValue(module + SuffixA, out var a)) { problems.Add($"'{module}' has lora_B but no lora_A"); continue; }
                if (!halves.TryGetValue(module + SuffixB, out var b)) { problems.Add($"'{module}' has lora_A but no lora_B"); continue; }
                if (!a.Shape.SequenceEqual([config.Rank, shape.In]))
                    problems.Add($"'{module}' lora_A is [{string.Join(", ", a.Shape)}]; rank {config.Rank} on this base needs [{config.Rank}, {shape.In}]");
                if (!b.Shape.SequenceEqual([shape.Out, config.Rank]))
                    problems.Add($"'{module}' lora_B is [{string.Join(", ", b.Shape)}]; rank {config.Rank} on this base needs [{shape.Out}, {config.Rank}]");
            }
            foreach (var target in config.TargetModules.Where(t => t != LoraConfig.AllLinear))
                if (!modules.Any(m => m == target || m.EndsWith("." + target, StringComparison.Ordinal)))
                    problems.Add($"target_modules names '{target}' but the adapter has no weights for it");
            if (values && problems.Count == 0) problems.AddRange(NonFinite(reader, cancellationToken));
        }

        var recorded = BaseFingerprint.Read(folder);
        if (baseWeightsSha256 is not null && recorded is not null && !string.Equals(recorded, baseWeightsSha256, StringComparison.OrdinalIgnoreCase))
            problems.Add($"it was trained on base weights {Short(recorded)}, but this base's weights are {Short(baseWeightsSha256)}");
        return problems;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> listing the problems, if any.</summary>
    public static void Require(string folder, IReadOnlyDictionary<string, (long Out, long In)> linears, string? baseWeightsSha256 = null,
        int? maxRank = null, bool values = false, CancellationToken cancellationToken = default)
    {
        var problems = Problems(folder, linears, baseWeightsSha256, maxRank, values, cancellationToken);
        if (problems.Count > 0) throw new InvalidDataException(string.Join("; ", problems));
    }

    private static IEnumerable<string> NonFinite(SafetensorsReader reader, CancellationToken cancellationToken)
    {
        foreach (var name in reader.Entries.Keys.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            if (!reader.Read(name, ScalarType.Float32).isfinite().all().item<bool>()) yield return $"tensor '{name}' holds NaN or infinite values";
        }
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] + "…" : sha;
}
