using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Platform.Training.Qwen3;
using Platform.Training.Text;
using static TorchSharp.torch;

namespace Platform.Training.Provenance;

/// <summary>
/// SHA-256 fingerprints of what a training run's result depends on, for its reproducibility record: the base weights
/// (values, not files, so a preset and its export hash alike), tokenizer, chat template and code version.
/// </summary>
public static class ContentHashes
{
    /// <summary>Over the state dict in key order: each key, dtype, shape and the tensor's bytes (moved to the CPU).</summary>
    public static string StateDict(Qwen3ForCausalLM model, CancellationToken cancellationToken = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.CheckpointStateDict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}|{tensor.dtype}|{string.Join(',', tensor.shape)}\n"));
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            sha.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static string File(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The tokenizer.json a run used: the folder's, or the one shipped with the library (presets).</summary>
    public static string Tokenizer(string? tokenizerJsonPath) => tokenizerJsonPath is not null && System.IO.File.Exists(tokenizerJsonPath)
        ? File(tokenizerJsonPath)
        : EmbeddedTokenizer.Value;

    /// <summary>
    /// The chat template is code here (Qwen3's Jinja template, reimplemented): its fingerprint is the hash of what it
    /// renders for a fixed set of conversations covering system, multi-turn, thinking and generation-prompt cases.
    /// </summary>
    public static string ChatTemplateFingerprint() => TemplateFingerprint.Value;

    /// <summary>The informational version of the training engine (version + source revision when built from git).</summary>
    public static string CodeVersion() =>
        typeof(ContentHashes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly Lazy<string> EmbeddedTokenizer = new(() =>
    {
        // Hashed decompressed, so it equals the hash of the same tokenizer.json on disk.
        using var stream = typeof(Qwen3Tokenizer).Assembly.GetManifestResourceStream(Qwen3Tokenizer.EmbeddedTokenizerJson)!;
        using var json = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    });

    private static readonly Lazy<string> TemplateFingerprint = new(() =>
    {
        List<ChatMessage>[] probes =
        [
            [new("user", "Who are you?")],
            [new("system", "Be brief."), new("user", "2+2?"), new("assistant", "4"), new("user", "and 3+3?")],
            [new("user", "Think first."), new("assistant", "<think>\nadd\n</think>\n\n6")],
        ];
        var rendered = string.Join("\u0000", probes.SelectMany(p => new[]
        {
            ChatTemplate.Render(p), ChatTemplate.Render(p, addGenerationPrompt: true),
            ChatTemplate.Render(p, addGenerationPrompt: true, enableThinking: false),
        }));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rendered)));
    });
}
