using System.IO.Compression;
using Platform.Training.Text;

namespace Platform.Training.Tests.Text;

public sealed class Qwen3TokenizerTests
{
    private readonly Qwen3Tokenizer _tokenizer = Qwen3Tokenizer.Load();

    [Fact]
    public void Special_token_ids_are_qwen3s()
    {
        Assert.Equal(151643, _tokenizer.EndOfText);
        Assert.Equal(151644, _tokenizer.ImStart);
        Assert.Equal(151645, _tokenizer.ImEnd);
        Assert.Equal(151643, _tokenizer.PadTokenId);
        Assert.Equal(151667, _tokenizer.TokenToId("<think>"));
        Assert.Equal(151669, _tokenizer.VocabSize);
        Assert.Equal(26, _tokenizer.AddedTokens.Count);
    }

    [Fact]
    public void Added_tokens_are_matched_before_bpe()
    {
        Assert.Equal([151644, 872, 198, 9707, 151645], _tokenizer.Encode("<|im_start|>user\nHello<|im_end|>"));
        Assert.Equal([151667, 151668], _tokenizer.Encode("<think></think>"));
    }

    [Fact]
    public void Skipping_special_tokens_keeps_non_special_added_tokens()
    {
        var ids = _tokenizer.Encode("<|im_start|>assistant\n<think>\nhm\n</think>\n\nHi<|im_end|>");
        Assert.Equal("assistant\n<think>\nhm\n</think>\n\nHi", _tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Decoding_a_partial_utf8_sequence_gives_a_replacement_character()
    {
        var ids = _tokenizer.Encode("𩸽");
        Assert.Equal(3, ids.Length);
        Assert.Equal("\uFFFD", _tokenizer.Decode(ids[..1]));
        Assert.Equal("𩸽", _tokenizer.Decode(ids));
    }

    [Fact]
    public void Unknown_ids_are_skipped_when_decoding()
    {
        Assert.Equal("Hello", _tokenizer.Decode([-5, 9707, 10_000_000]));
    }

    [Fact]
    public void Loading_an_hf_tokenizer_json_file_gives_the_same_tokenizer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qwen3-{Guid.NewGuid():N}", "tokenizer.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using (var resource = typeof(Qwen3Tokenizer).Assembly.GetManifestResourceStream("Platform.Training.Text.Data.tokenizer.json.gz")!)
            using (var gzip = new GZipStream(resource, CompressionMode.Decompress))
            using (var file = File.Create(path))
                gzip.CopyTo(file);

            var loaded = Qwen3Tokenizer.Load(path);
            foreach (var c in Fixtures.Encode.Take(100)) Assert.Equal(c.Ids, loaded.Encode(c.Text));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Concurrent_encoding_gives_the_same_ids()
    {
        var cases = Fixtures.Encode;
        Parallel.ForEach(Enumerable.Range(0, 8), _ =>
        {
            foreach (var c in cases) Assert.Equal(c.Ids, Qwen3Tokenizer.Load().Encode(c.Text));
        });
    }
}
