using Platform.Training.Text;

namespace Platform.Training.Tests.Text;

public sealed class ChatTemplateFixtureTests
{
    private readonly Qwen3Tokenizer _tokenizer = Qwen3Tokenizer.Load();

    [Fact]
    public void Render_matches_the_official_jinja_template_on_every_fixture()
    {
        var cases = Fixtures.Chat;
        var failures = cases.Select(c => (Case: c, Actual: ChatTemplate.Render(c.ChatMessages, c.AddGenerationPrompt, c.EnableThinking, c.Tools)))
            .Where(r => r.Actual != r.Case.Rendered)
            .Select(r => $"expected {TokenizerFixtureTests.Escape(r.Case.Rendered)}\n     got {TokenizerFixtureTests.Escape(r.Actual)}")
            .ToList();
        Assert.True(cases.Count > 400);
        Assert.True(failures.Count == 0, $"{failures.Count}/{cases.Count} differ:\n{string.Join("\n", failures.Take(10))}");
    }

    [Fact]
    public void EncodeChat_ids_equal_hf_ids_of_the_rendered_chat_on_every_fixture()
    {
        foreach (var c in Fixtures.Chat)
        {
            Assert.Equal(c.Ids, _tokenizer.Encode(c.Rendered));
            Assert.Equal(c.Ids, _tokenizer.EncodeChat(c.ChatMessages, c.AddGenerationPrompt, c.EnableThinking, c.Tools).Ids);
        }
    }

    [Fact]
    public void Assistant_mask_covers_each_assistant_output_on_every_fixture()
    {
        foreach (var c in Fixtures.Chat)
        {
            var segments = ChatTemplate.RenderSegments(c.ChatMessages, c.AddGenerationPrompt, c.EnableThinking, c.Tools);
            var tokens = _tokenizer.EncodeChat(segments);
            var expected = segments.Where(s => s.AssistantMessageIndex is not null).GroupBy(s => s.AssistantMessageIndex!.Value)
                .ToDictionary(g => g.Key, g => string.Concat(g.Select(s => s.Text)).Normalize(System.Text.NormalizationForm.FormC));
            var actual = tokens.Ids.Select((id, t) => (id, owner: tokens.AssistantMessageIndex[t])).Where(x => x.owner >= 0)
                .GroupBy(x => x.owner).ToDictionary(g => g.Key, g => _tokenizer.Decode(g.Select(x => x.id)).Normalize(System.Text.NormalizationForm.FormC));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (index, text) in expected)
            {
                // Leading whitespace up to a newline shares a token with the "\n" after "assistant", so it stays in the prompt.
                Assert.EndsWith(actual[index], text, StringComparison.Ordinal);
                Assert.True(text[..^actual[index].Length].All(char.IsWhiteSpace), $"{TokenizerFixtureTests.Escape(text)} vs {TokenizerFixtureTests.Escape(actual[index])}");
            }
        }
    }
}
