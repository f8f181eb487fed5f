using System.Text.Json;

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

    /// <summary>The message carries non-empty reasoning: reasoning_content, or a &lt;think&gt; block at the start of Content.</summary>
    public bool Thinks =>
        !string.IsNullOrWhiteSpace(ReasoningContent)
        || (Content.TrimStart().StartsWith("<think>", StringComparison.Ordinal)
            && Content.IndexOf("</think>", StringComparison.Ordinal) is var end and > 0
            && !string.IsNullOrWhiteSpace(Content[(Content.IndexOf("<think>", StringComparison.Ordinal) + 7)..end]));

    /// <summary>
    /// An OpenAI-style message object: <c>role</c> (required), <c>content</c> (string; missing or null is empty),
    /// <c>reasoning_content</c> (optional). Throws KeyNotFoundException / InvalidOperationException on other shapes.
    /// </summary>
    public static ChatMessage FromJson(JsonElement message) => new(
        message.GetProperty("role").GetString() ?? throw new InvalidOperationException("role must be a string"),
        message.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null ? content.GetString()! : "",
        message.TryGetProperty("reasoning_content", out var reasoning) && reasoning.ValueKind == JsonValueKind.String ? reasoning.GetString() : null);
}

/// <summary>A function call made by the assistant; Arguments is JSON text, rendered verbatim.</summary>
public sealed record ToolCall(string Name, string Arguments);
