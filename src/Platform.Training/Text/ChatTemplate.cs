using System.Text;

namespace Platform.Training.Text;

/// <summary>
/// Qwen3's chat template (the Jinja chat_template of Qwen3's tokenizer_config.json) written out in C#.
/// <paramref name="tools"/> are tool definitions as JSON text, each rendered where the template writes <c>tool | tojson</c>.
/// </summary>
public static class ChatTemplate
{
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false, bool enableThinking = true,
        IReadOnlyList<string>? tools = null) =>
        string.Concat(RenderSegments(messages, addGenerationPrompt, enableThinking, tools).Select(s => s.Text));

    public static IReadOnlyList<ChatSegment> RenderSegments(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false,
        bool enableThinking = true, IReadOnlyList<string>? tools = null)
    {
        var output = new SegmentWriter();
        var startsWithSystem = messages.Count > 0 && messages[0].Role == "system";
        if (tools is { Count: > 0 }) output.Write(ToolsSystemTurn(startsWithSystem ? messages[0].Content : null, tools));
        else if (startsWithSystem) output.Write("<|im_start|>system\n" + messages[0].Content + "<|im_end|>\n");

        var lastQueryIndex = LastQueryIndex(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            switch (message.Role)
            {
                case "user":
                case "system" when i > 0:
                    output.Write("<|im_start|>" + message.Role + "\n" + message.Content + "<|im_end|>\n");
                    break;
                case "assistant":
                    output.Write("<|im_start|>assistant\n");
                    output.Write(AssistantOutput(message, renderThinking: i > lastQueryIndex, isLast: i == messages.Count - 1) + "<|im_end|>", i);
                    output.Write("\n");
                    break;
                case "tool":
                    if (i == 0 || messages[i - 1].Role != "tool") output.Write("<|im_start|>user");
                    output.Write("\n<tool_response>\n" + message.Content + "\n</tool_response>");
                    if (i == messages.Count - 1 || messages[i + 1].Role != "tool") output.Write("<|im_end|>\n");
                    break;
            }
        }

        if (addGenerationPrompt)
        {
            output.Write("<|im_start|>assistant\n");
            if (!enableThinking) output.Write("<think>\n\n</think>\n\n");
        }
        return output.Segments;
    }

    /// <summary>The last user turn that is not a wrapped tool response; the last index when there is none.</summary>
    private static int LastQueryIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var content = messages[i].Content;
            if (messages[i].Role == "user" && !(content.StartsWith("<tool_response>", StringComparison.Ordinal) && content.EndsWith("</tool_response>", StringComparison.Ordinal)))
                return i;
        }
        return messages.Count - 1;
    }

    /// <summary>Only turns after the last user query keep their reasoning; earlier ones lose it.</summary>
    private static string AssistantOutput(ChatMessage message, bool renderThinking, bool isLast)
    {
        var (reasoning, content) = SplitReasoning(message);
        var output = new StringBuilder();
        if (renderThinking && (isLast || reasoning.Length > 0))
            output.Append("<think>\n").Append(reasoning.Trim('\n')).Append("\n</think>\n\n").Append(content.TrimStart('\n'));
        else
            output.Append(content);

        var toolCalls = message.ToolCalls ?? [];
        for (var t = 0; t < toolCalls.Count; t++)
        {
            if (t > 0 || content.Length > 0) output.Append('\n');
            output.Append("<tool_call>\n{\"name\": \"").Append(toolCalls[t].Name).Append("\", \"arguments\": ").Append(toolCalls[t].Arguments).Append("}\n</tool_call>");
        }
        return output.ToString();
    }

    /// <summary>ReasoningContent when given; otherwise the text before the last "&lt;/think&gt;", after the last "&lt;think&gt;" in it.</summary>
    private static (string Reasoning, string Content) SplitReasoning(ChatMessage message)
    {
        if (message.ReasoningContent is { } reasoningContent) return (reasoningContent, message.Content);
        const string close = "</think>";
        var firstClose = message.Content.IndexOf(close, StringComparison.Ordinal);
        if (firstClose < 0) return ("", message.Content);

        var content = message.Content[(message.Content.LastIndexOf(close, StringComparison.Ordinal) + close.Length)..].TrimStart('\n');
        var beforeClose = message.Content[..firstClose].TrimEnd('\n');
        var reasoning = beforeClose[(beforeClose.LastIndexOf("<think>", StringComparison.Ordinal) is var open and >= 0 ? open + "<think>".Length : 0)..].TrimStart('\n');
        return (reasoning, content);
    }

    private static string ToolsSystemTurn(string? systemContent, IReadOnlyList<string> tools)
    {
        var turn = new StringBuilder("<|im_start|>system\n");
        if (systemContent is not null) turn.Append(systemContent).Append("\n\n");
        turn.Append("# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        foreach (var tool in tools) turn.Append('\n').Append(tool);
        turn.Append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n");
        return turn.ToString();
    }

    private sealed class SegmentWriter
    {
        public List<ChatSegment> Segments { get; } = [];

        public void Write(string text, int? assistantMessageIndex = null)
        {
            if (text.Length == 0) return;
            if (Segments.Count > 0 && Segments[^1].AssistantMessageIndex == assistantMessageIndex)
                Segments[^1] = Segments[^1] with { Text = Segments[^1].Text + text };
            else
                Segments.Add(new ChatSegment(text, assistantMessageIndex));
        }
    }
}
