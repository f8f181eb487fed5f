using System.Text;

namespace Platform.Training.Text;

/// <summary>
/// Qwen3's byte-level BPE tokenizer, equal to HF tokenizers on Qwen3's tokenizer.json:
/// added tokens split first, then NFC, the Qwen2 split pattern, GPT-2 byte mapping and ranked merges.
/// Thread-safe.
/// </summary>
public sealed partial class Qwen3Tokenizer
{
    internal const string EmbeddedTokenizerJson = "Platform.Training.Text.Data.tokenizer.json.gz";
    private static readonly Lazy<Qwen3Tokenizer> Embedded = new(LoadEmbedded);

    private readonly BytePairEncoding _bpe;
    private readonly AddedTokenMatcher _addedTokenMatcher;
    private readonly string?[] _tokens;
    private readonly int[] _tokenByteLengths;
    private readonly Dictionary<string, int> _ids;
    private readonly HashSet<int> _specialIds;

    private Qwen3Tokenizer(TokenizerDefinition definition)
    {
        _bpe = new BytePairEncoding(definition.Vocab, definition.Merges);
        _addedTokenMatcher = new AddedTokenMatcher(definition.AddedTokens);
        AddedTokens = definition.AddedTokens;

        _ids = new Dictionary<string, int>(definition.Vocab, StringComparer.Ordinal);
        foreach (var token in definition.AddedTokens) _ids[token.Content] = token.Id;
        VocabSize = _ids.Values.Max() + 1;
        _tokens = new string?[VocabSize];
        _tokenByteLengths = new int[VocabSize];
        foreach (var (token, id) in definition.Vocab) (_tokens[id], _tokenByteLengths[id]) = (token, token.Length);
        foreach (var token in definition.AddedTokens) (_tokens[token.Id], _tokenByteLengths[token.Id]) = (token.Content, token.Content.Length);
        _specialIds = definition.AddedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        EndOfText = RequiredId("<|endoftext|>");
        ImStart = RequiredId("<|im_start|>");
        ImEnd = RequiredId("<|im_end|>");
    }

    /// <summary>Qwen3's tokenizer shipped with this assembly (loaded once).</summary>
    public static Qwen3Tokenizer Load() => Embedded.Value;

    /// <summary>Loads tokenizer.json from an HF model folder (Qwen2, Qwen2.5 and Qwen3 share the pipeline).</summary>
    public static Qwen3Tokenizer Load(string tokenizerJsonPath)
    {
        using var file = File.OpenRead(tokenizerJsonPath);
        return new Qwen3Tokenizer(TokenizerDefinition.Read(file, gzipped: tokenizerJsonPath.EndsWith(".gz", StringComparison.Ordinal)));
    }

    /// <summary>Ids in use, added tokens included (151,669 for Qwen3); the model's embedding is larger (151,936).</summary>
    public int VocabSize { get; }

    public int EndOfText { get; }
    public int ImStart { get; }
    public int ImEnd { get; }

    /// <summary>Qwen's tokenizer_config pads with &lt;|endoftext|&gt;.</summary>
    public int PadTokenId => EndOfText;

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 1);
        Encode(text, ids, tokenStarts: null);
        return [.. ids];
    }

    public int CountTokens(string text)
    {
        var ids = CountBuffer ??= new List<int>(1024);
        ids.Clear();
        Encode(text, ids, tokenStarts: null);
        return ids.Count;
    }

    [ThreadStatic] private static List<int>? CountBuffer;

    /// <summary>Bytes of all tokens, then lossy UTF-8 (U+FFFD per maximal invalid subsequence); unknown ids are skipped, like HF.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_tokens.Length || _tokens[id] is not { } token) continue;
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            ByteLevelAlphabet.AppendBytes(token, bytes);
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    /// <summary>The vocabulary entry (byte-level characters for BPE tokens).</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    private int RequiredId(string content) =>
        TokenToId(content) ?? throw new NotSupportedException($"tokenizer.json has no {content} token; not a Qwen tokenizer.");

    private static Qwen3Tokenizer LoadEmbedded()
    {
        using var stream = typeof(Qwen3Tokenizer).Assembly.GetManifestResourceStream(EmbeddedTokenizerJson)
            ?? throw new InvalidOperationException($"Missing embedded resource {EmbeddedTokenizerJson}.");
        return new Qwen3Tokenizer(TokenizerDefinition.Read(stream, gzipped: true));
    }
}
