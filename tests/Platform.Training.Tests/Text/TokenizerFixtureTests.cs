using Platform.Training.Text;

namespace Platform.Training.Tests.Text;

public sealed class TokenizerFixtureTests
{
    private readonly Qwen3Tokenizer _tokenizer = Qwen3Tokenizer.Load();

    [Fact]
    public void Encode_matches_hf_tokenizers_on_every_fixture()
    {
        var cases = Fixtures.Encode;
        var failures = cases.Where(c => !_tokenizer.Encode(c.Text).SequenceEqual(c.Ids))
            .Select(c => $"{Escape(c.Text)}: expected [{string.Join(",", c.Ids)}] got [{string.Join(",", _tokenizer.Encode(c.Text))}]")
            .ToList();
        Assert.True(cases.Count > 500);
        Assert.True(failures.Count == 0, $"{failures.Count}/{cases.Count} differ:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void CountTokens_equals_encoded_length_on_every_fixture()
    {
        foreach (var c in Fixtures.Encode) Assert.Equal(c.Ids.Length, _tokenizer.CountTokens(c.Text));
    }

    [Fact]
    public void Decode_matches_hf_tokenizers_on_every_fixture()
    {
        var cases = Fixtures.Decode;
        var failures = cases.Where(c => _tokenizer.Decode(c.Ids, c.SkipSpecialTokens) != c.Text)
            .Select(c => $"[{string.Join(",", c.Ids)}] skip={c.SkipSpecialTokens}: expected {Escape(c.Text)} got {Escape(_tokenizer.Decode(c.Ids, c.SkipSpecialTokens))}")
            .ToList();
        Assert.True(cases.Count > 500);
        Assert.True(failures.Count == 0, $"{failures.Count}/{cases.Count} differ:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void Decode_of_encode_round_trips_up_to_nfc()
    {
        foreach (var c in Fixtures.Encode)
            Assert.Equal(Nfc(c.Text), Nfc(_tokenizer.Decode(c.Ids)), StringComparer.Ordinal);
    }

    private static string Nfc(string text) => text.Normalize(System.Text.NormalizationForm.FormC);

    internal static string Escape(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
