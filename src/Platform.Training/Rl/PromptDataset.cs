using System.Text.Json;
using Platform.Training.Text;

namespace Platform.Training.Rl;

/// <summary>One RFT row: the conversation to complete and the whole row, which graders read as <c>item.*</c>.</summary>
public sealed record PromptItem(IReadOnlyList<ChatMessage> Messages, JsonElement Item);

/// <summary>
/// OpenAI's reinforcement fine-tuning JSONL, as the upload validator accepts it (DatasetKind.Prompt):
/// <c>{"messages":[…ending with user], "answer": …, any other field a grader references}</c>.
/// </summary>
public static class PromptDataset
{
    public static List<PromptItem> Load(string path, CancellationToken cancellationToken = default)
    {
        var items = new List<PromptItem>();
        foreach (var (line, text) in JsonlLines.Read(path, cancellationToken))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                var messages = doc.RootElement.GetProperty("messages").EnumerateArray().Select(ChatMessage.FromJson).ToList();
                if (messages.Count == 0 || messages[^1].Role != "user") throw new FormatException("messages must end with a user turn");
                items.Add(new PromptItem(messages, doc.RootElement.Clone()));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: not a prompt example ({e.Message})", e);
            }
        }
        if (items.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: no examples");
        return items;
    }
}
