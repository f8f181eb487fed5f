namespace Platform.Training.Checkpoints;

/// <summary>The tokenizer and generation files of an HF model folder, carried over when a model is saved anew.</summary>
public static class TokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";

    public static readonly IReadOnlyList<string> Names =
        [TokenizerJson, "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "generation_config.json"];

    /// <summary>Copies those of <see cref="Names"/> that <paramref name="source"/> has; returns how many.</summary>
    public static int Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        var copied = 0;
        foreach (var name in Names.Where(n => File.Exists(Path.Combine(source, n))))
        {
            File.Copy(Path.Combine(source, name), Path.Combine(destination, name), overwrite: true);
            copied++;
        }
        return copied;
    }
}
