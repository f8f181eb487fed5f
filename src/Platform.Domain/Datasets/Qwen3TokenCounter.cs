using Platform.Training.Text;

namespace Platform.Domain.Datasets;

/// <summary>Token counts with Qwen3's own chat template and tokenizer, as the trainer will see them.</summary>
public sealed class Qwen3TokenCounter(Qwen3Tokenizer tokenizer) : ITokenCounter
{
    public int CountChat(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) =>
        tokenizer.CountTokens(ChatTemplate.Render(messages.Select(m => new ChatMessage(m.Role, m.Content)).ToList(), addGenerationPrompt));
}
