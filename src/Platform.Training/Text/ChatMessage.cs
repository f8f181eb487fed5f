namespace Platform.Training.Text;

/// <summary>
/// One chat turn as Qwen3's template reads it. Role is "system", "user", "assistant" or "tool"; the template renders nothing for others.
/// ReasoningContent, when set, is used instead of a &lt;think&gt; block inside Content.
/// </summary>
public sealed record ChatMessage(string Role, string Content, string? ReasoningContent = null, IReadOnlyList<ToolCall>? ToolCalls = null)
{
    public static ChatMessage System(string content) => new("system", content);
    public static ChatMessage User(string content) => new("user", content);
    public static ChatMessage Assistant(string content, string? reasoningContent = null) => new("assistant", content, reasoningContent);
    public static ChatMessage Tool(string content) => new("tool", content);
}

/// <summary>A function call made by the assistant; Arguments is JSON text, rendered verbatim.</summary>
public sealed record ToolCall(string Name, string Arguments);
