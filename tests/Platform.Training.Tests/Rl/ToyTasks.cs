using System.Text.Json;
using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Tests.Rl;

/// <summary>Small verifiable tasks for the learning tests: single-digit additions and a style preference.</summary>
internal static class ToyTasks
{
    /// <summary>"a+b=" for a, b in 0..<paramref name="digits"/>−1, in a fixed shuffled order; each row carries its "solution".</summary>
    public static IReadOnlyList<PromptItem> Additions(int digits = 10)
    {
        var random = new Random(3);
        return Enumerable.Range(0, digits * digits).OrderBy(_ => random.Next()).Select(i => Addition(i / digits, i % digits)).ToList();
    }

    public static PromptItem Addition(int a, int b)
    {
        var row = JsonSerializer.SerializeToElement(new
        {
            messages = new[] { new { role = "user", content = $"{a}+{b}=" } },
            solution = (a + b).ToString(),
        });
        return new PromptItem([ChatMessage.User($"{a}+{b}=")], row);
    }

    /// <summary>The SFT example "a+b=" → the right sum, Qwen3's template with an empty think block.</summary>
    public static SftExample Answered(Qwen3Tokenizer tokenizer, PromptItem item) =>
        ChatSftDataset.Encode(tokenizer, [(item.Messages[0], 0), (ChatMessage.Assistant(item.Item.GetProperty("solution").GetString()!), 1)], 64,
            LossScale.IgnoreEmptyThink);

    /// <summary>"What is a + b?": preferred "The answer is s.", not preferred a refusal; a style any prompt shares.</summary>
    public static IReadOnlyList<PreferencePair> Preferences(Qwen3Tokenizer tokenizer, int first, int count) =>
        Enumerable.Range(first, count).Select(i =>
        {
            var (a, b) = (i / 10, i % 10);
            IReadOnlyList<ChatMessage> prompt = [ChatMessage.User($"What is {a} + {b}?")];
            return new PreferencePair(
                PreferenceDataset.Encode(tokenizer, prompt, [ChatMessage.Assistant($"The answer is {a + b}.")], 64),
                PreferenceDataset.Encode(tokenizer, prompt, [ChatMessage.Assistant(i % 2 == 0 ? "I will not answer that." : "Ask someone else.")], 64));
        }).ToList();
}
