using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Tests.Text;

public sealed class ChatTemplateTests
{
    [Fact]
    public void Shipped_tokenizer_config_has_the_template_this_code_implements()
    {
        using var stream = typeof(Qwen3Tokenizer).Assembly.GetManifestResourceStream("Platform.Training.Text.Data.tokenizer_config.json")!;
        var template = JsonDocument.Parse(stream).RootElement.GetProperty("chat_template").GetString()!;
        Assert.Equal("87a2728cb8dc9fe424d624542f6060ec05a1d285ebbec578bb078900e33396b5", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template))));
    }

    [Fact]
    public void Historical_reasoning_is_dropped_and_the_last_turn_keeps_it()
    {
        ChatMessage[] messages =
        [
            ChatMessage.System("Be brief."),
            ChatMessage.User("Q1"),
            ChatMessage.Assistant("<think>\nold\n</think>\n\nA1"),
            ChatMessage.User("Q2"),
            ChatMessage.Assistant("A2", reasoningContent: "new"),
        ];
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n" +
            "<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n<think>\nnew\n</think>\n\nA2<|im_end|>\n",
            ChatTemplate.Render(messages));
    }

    [Fact]
    public void Generation_prompt_without_thinking_has_an_empty_think_block()
    {
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            ChatTemplate.Render([ChatMessage.User("Hi")], addGenerationPrompt: true, enableThinking: false));
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.Render([ChatMessage.User("Hi")], addGenerationPrompt: true));
    }

    [Fact]
    public void Assistant_output_is_its_content_and_closing_im_end()
    {
        var tokenizer = Qwen3Tokenizer.Load();
        var chat = tokenizer.EncodeChat([ChatMessage.User("Hi"), ChatMessage.Assistant("Hello!"), ChatMessage.User("Bye"), ChatMessage.Assistant("Bye!")]);

        var outputs = chat.Ids.Where((_, t) => chat.IsAssistantOutput(t)).ToArray();
        Assert.Equal(tokenizer.Encode("Hello!<|im_end|><think>\n\n</think>\n\nBye!<|im_end|>"), outputs);
        var imEnds = Enumerable.Range(0, chat.Ids.Length).Where(t => chat.Ids[t] == tokenizer.ImEnd).ToArray();
        Assert.Equal([-1, 1, -1, 3], imEnds.Select(t => chat.AssistantMessageIndex[t]));
        Assert.Equal(-1, chat.AssistantMessageIndex[^1]);
        Assert.Equal(chat.Ids.Length, chat.AssistantMask().Length);
    }
}
