using System.Text.Json;
using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Evaluation;

/// <summary>A prompt for graded generation, and whether Qwen3's thinking is on for it.</summary>
public sealed record EvalPrompt(PromptItem Prompt, bool EnableThinking);

/// <summary>
/// Validation rows as prompts to generate from: a prompt-only (RFT) file as it is; a chat (SFT) file by cutting each
/// conversation before its last assistant turn, with thinking on only when that reply thinks (so the model answers
/// the way it was trained to). The grader reads the whole row as <c>item.*</c>. A chat row with nothing before its
/// last reply cannot be a prompt; it is listed with its line, not dropped silently.
/// </summary>
public static class EvalPrompts
{
    public static List<EvalPrompt> FromPromptFile(string path, bool enableThinking, CancellationToken cancellationToken = default) =>
        PromptDataset.Load(path, cancellationToken).Select(p => new EvalPrompt(p, enableThinking)).ToList();

    public static LoadedRows<EvalPrompt> FromChatFile(string path, int maxLength, CancellationToken cancellationToken = default)
    {
        var prompts = new List<EvalPrompt>();
        var skipped = new List<RejectedRow>();
        var rows = 0;
        foreach (var (line, text) in JsonlLines.Read(path, cancellationToken))
        {
            rows++;
            using var doc = JsonDocument.Parse(text);
            var messages = doc.RootElement.GetProperty("messages").EnumerateArray().Select(ChatMessage.FromJson).ToList();
            var reply = messages.FindLastIndex(m => m.Role == "assistant");
            if (reply < 1 || !messages.Take(reply).Any(m => m.Role == "user"))
            {
                skipped.Add(new RejectedRow(line, "no user turn before the last assistant reply to generate from"));
                continue;
            }
            prompts.Add(new EvalPrompt(new PromptItem(messages[..reply], doc.RootElement.Clone()), messages[reply].Thinks));
        }
        return new LoadedRows<EvalPrompt>(prompts, new DatasetReport(rows, 0, 0, maxLength, skipped));
    }
}
