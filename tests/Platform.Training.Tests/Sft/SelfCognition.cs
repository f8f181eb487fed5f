using Platform.Training.Generation;
using Platform.Training.Qwen3;
using Platform.Training.Text;

namespace Platform.Training.Tests.Sft;

/// <summary>docs/samples/self-cognition.jsonl: nine "who are you" prompts, each with the one answer to learn.</summary>
internal static class SelfCognition
{
    public static readonly string DatasetPath = Path.Combine(AppContext.BaseDirectory, "Sft", "Fixtures", "self-cognition.jsonl");

    public static IReadOnlyList<(string Prompt, string Answer)> Pairs { get; } = File.ReadLines(DatasetPath)
        .Where(l => l.Length > 0)
        .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("messages"))
        .Select(m => (m[0].GetProperty("content").GetString()!, m[1].GetProperty("content").GetString()!))
        .ToList();

    /// <summary>Greedy replies with enable_thinking=false, one per training prompt.</summary>
    public static IReadOnlyList<string> Answer(Qwen3ForCausalLM model, CancellationToken cancellationToken) =>
        new ChatCompletion(model, Qwen3Tokenizer.Load()).Complete(
            Pairs.Select(p => (IReadOnlyList<ChatMessage>)[ChatMessage.User(p.Prompt)]).ToList(),
            new GenerationOptions { MaxNewTokens = 24 }, enableThinking: false, cancellationToken: cancellationToken);
}
