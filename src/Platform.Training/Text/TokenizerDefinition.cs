using System.IO.Compression;
using System.Text.Json;

namespace Platform.Training.Text;

/// <summary>The parts of an HF tokenizer.json that a Qwen2/Qwen3 byte-level BPE tokenizer uses.</summary>
internal sealed record TokenizerDefinition(
    Dictionary<string, int> Vocab,
    List<(string Left, string Right)> Merges,
    List<AddedToken> AddedTokens)
{
    /// <summary>The Split pattern of Qwen2, Qwen2.5 and Qwen3; <see cref="Qwen2PreTokenizer"/> implements exactly this.</summary>
    public const string Qwen2SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static TokenizerDefinition Read(Stream tokenizerJson, bool gzipped)
    {
        using var input = gzipped ? new GZipStream(tokenizerJson, CompressionMode.Decompress) : tokenizerJson;
        using var document = JsonDocument.Parse(input);
        var root = document.RootElement;
        EnsureQwen2Pipeline(root);

        var model = root.GetProperty("model");
        var vocab = new Dictionary<string, int>(capacity: 160_000, StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocab[entry.Name] = entry.Value.GetInt32();

        var merges = new List<(string, string)>(capacity: 160_000);
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
            merges.Add(merge.ValueKind == JsonValueKind.Array ? (merge[0].GetString()!, merge[1].GetString()!) : SplitLegacyMerge(merge.GetString()!));

        var added = new List<AddedToken>();
        foreach (var token in root.GetProperty("added_tokens").EnumerateArray())
            added.Add(new AddedToken(token.GetProperty("id").GetInt32(), token.GetProperty("content").GetString()!, token.GetProperty("special").GetBoolean()));

        return new TokenizerDefinition(vocab, merges, added);
    }

    private static (string, string) SplitLegacyMerge(string merge)
    {
        var space = merge.IndexOf(' ', 1);
        return (merge[..space], merge[(space + 1)..]);
    }

    private static void EnsureQwen2Pipeline(JsonElement root)
    {
        var model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() != "BPE")
            throw new NotSupportedException("tokenizer.json model is not BPE.");
        if (root.GetProperty("normalizer") is { ValueKind: JsonValueKind.Object } normalizer && normalizer.GetProperty("type").GetString() != "NFC")
            throw new NotSupportedException("tokenizer.json normalizer is not NFC.");
        var pattern = root.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0].GetProperty("pattern").GetProperty("Regex").GetString();
        if (pattern != Qwen2SplitPattern)
            throw new NotSupportedException($"tokenizer.json pre-tokenizer pattern is not Qwen2's: {pattern}");
    }
}
