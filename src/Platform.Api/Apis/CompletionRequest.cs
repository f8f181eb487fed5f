using System.Text.Json;
using Platform.Domain.Errors;
using Platform.Training.Text;

namespace Platform.Api.Apis;

/// <summary>What /v1/chat/completions and /v1/completions share (OpenAI's names; top_k as vLLM accepts it).</summary>
public sealed record CompletionParams(
    string Model, int? MaxTokens, double Temperature, double TopP, int TopK, IReadOnlyList<string> Stop, ulong? Seed, int N,
    bool Logprobs, int TopLogprobs, bool Stream, bool IncludeUsage);

public sealed record ChatRequest(CompletionParams Params, IReadOnlyList<ChatMessage> Messages, bool EnableThinking);

public sealed record TextRequest(CompletionParams Params, string Prompt);

/// <summary>Reads request bodies, refusing what OpenAI refuses with its error shape (a <see cref="DomainException"/>).</summary>
public static class CompletionRequestParser
{
    public static ChatRequest Chat(JsonElement body, int maxChoices)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw Invalid("'messages' must be a non-empty array", "messages");
        var parsed = messages.EnumerateArray().Select(Message).ToList();
        var thinking = !(body.TryGetProperty("chat_template_kwargs", out var kwargs) && kwargs.ValueKind == JsonValueKind.Object
                         && kwargs.TryGetProperty("enable_thinking", out var flag) && flag.ValueKind == JsonValueKind.False);
        var logprobs = Bool(body, "logprobs");
        var top = Int(body, "top_logprobs") ?? 0;
        if (top is < 0 or > 20) throw Invalid("'top_logprobs' must be between 0 and 20", "top_logprobs");
        if (top > 0 && !logprobs) throw Invalid("'top_logprobs' needs 'logprobs' set to true", "top_logprobs");
        return new ChatRequest(Common(body, maxChoices, Int(body, "max_completion_tokens") ?? Int(body, "max_tokens"), logprobs, top), parsed, thinking);
    }

    public static TextRequest Text(JsonElement body, int maxChoices)
    {
        var prompt = body.TryGetProperty("prompt", out var p) ? p : default;
        var text = prompt.ValueKind switch
        {
            JsonValueKind.String => prompt.GetString()!,
            JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String => prompt[0].GetString()!,
            _ => throw Invalid("'prompt' must be a string (or an array of one string)", "prompt"),
        };
        var top = Int(body, "logprobs");
        if (top is < 0 or > 5) throw Invalid("'logprobs' must be between 0 and 5", "logprobs");
        return new TextRequest(Common(body, maxChoices, Int(body, "max_tokens") ?? 16, top is not null, top ?? 0), text);
    }

    private static CompletionParams Common(JsonElement body, int maxChoices, int? maxTokens, bool logprobs, int topLogprobs)
    {
        var model = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw Invalid("'model' is required", "model");
        var temperature = Double(body, "temperature") ?? 1.0;
        if (temperature is < 0 or > 2) throw Invalid("'temperature' must be between 0 and 2", "temperature");
        var topP = Double(body, "top_p") ?? 1.0;
        if (topP is <= 0 or > 1) throw Invalid("'top_p' must be in (0, 1]", "top_p");
        var topK = Int(body, "top_k") ?? 0;
        if (topK < -1) throw Invalid("'top_k' must be -1, 0 or positive", "top_k");
        var n = Int(body, "n") ?? 1;
        if (n < 1 || n > maxChoices) throw Invalid($"'n' must be between 1 and {maxChoices}", "n");
        if (maxTokens is < 1) throw Invalid("'max_tokens' must be at least 1", "max_tokens");
        var stop = body.TryGetProperty("stop", out var s) ? s.ValueKind switch
        {
            JsonValueKind.String => [s.GetString()!],
            JsonValueKind.Array => s.EnumerateArray().Select(x => x.GetString() ?? throw Invalid("'stop' entries must be strings", "stop")).ToList(),
            JsonValueKind.Null => [],
            _ => throw Invalid("'stop' must be a string or an array of strings", "stop"),
        } : new List<string>();
        if (stop.Count > 4 || stop.Any(x => x.Length == 0)) throw Invalid("'stop' takes up to 4 non-empty strings", "stop");
        var seed = body.TryGetProperty("seed", out var sd) && sd.ValueKind == JsonValueKind.Number ? (ulong?)unchecked((ulong)sd.GetInt64()) : null;
        var stream = Bool(body, "stream");
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object && Bool(so, "include_usage");
        return new CompletionParams(model, maxTokens, temperature, topP, Math.Max(0, topK), stop, seed, n, logprobs, topLogprobs, stream, includeUsage);
    }

    /// <summary>A message whose content is a string or an array of text parts.</summary>
    private static ChatMessage Message(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            throw Invalid("each message needs a 'role'", "messages");
        var content = message.TryGetProperty("content", out var c) ? c.ValueKind switch
        {
            JsonValueKind.String => c.GetString()!,
            JsonValueKind.Null => "",
            JsonValueKind.Array => string.Concat(c.EnumerateArray().Select(part =>
                part.TryGetProperty("type", out var type) && type.GetString() == "text" ? part.GetProperty("text").GetString()
                    : throw Invalid("only text content parts are supported", "messages"))),
            _ => throw Invalid("'content' must be a string or an array of text parts", "messages"),
        } : "";
        var reasoning = message.TryGetProperty("reasoning_content", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return new ChatMessage(role.GetString()!, content, reasoning);
    }

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw Invalid($"'{name}' must be an integer", name)
            : null;

    private static double? Double(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Invalid($"'{name}' must be a number", name)
            : null;

    private static bool Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid($"'{name}' must be a boolean", name),
        };

    private static DomainException Invalid(string message, string param) => new(ErrorKind.InvalidRequest, "invalid_request", message, param);
}
