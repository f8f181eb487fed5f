using System.Text.Json;
using Platform.Data.Entities;

namespace Platform.Domain.Datasets;

/// <summary>
/// What makes one example valid for each dataset kind. Returns the conversations whose token counts must fit
/// the limit, or the first problem found.
/// </summary>
internal static class ExampleRules
{
    private static readonly string[] Roles = ["system", "user", "assistant"];

    public static DatasetKind DetectKind(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("input", out _) ? DatasetKind.Preference
        : e.ValueKind == JsonValueKind.Object && e.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array
          && m.GetArrayLength() > 0 && LastRole(m) == "user" ? DatasetKind.Prompt
        : DatasetKind.Chat;

    public static (IReadOnlyList<(List<ChatTurn> Turns, bool GenerationPrompt)> Conversations, string? Problem) Check(JsonElement e, DatasetKind kind)
    {
        if (e.ValueKind != JsonValueKind.Object) return ([], "example must be a JSON object");
        switch (kind)
        {
            case DatasetKind.Chat:
            {
                var (turns, problem) = Messages(e, "messages");
                if (problem is not null) return ([], problem);
                if (!turns.Any(t => t.Role == "assistant")) return ([], "no assistant turn");
                if (!turns.Any(t => t.Role == "assistant" && t.Weight != 0)) return ([], "every assistant turn has weight 0: nothing to learn");
                return ([(turns, false)], null);
            }
            case DatasetKind.Prompt:
            {
                var (turns, problem) = Messages(e, "messages");
                if (problem is not null) return ([], problem);
                if (turns[^1].Role != "user") return ([], "prompt must end with a user turn");
                return ([(turns, true)], null);
            }
            default:
            {
                if (!e.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object) return ([], "'input' must be an object with 'messages'");
                var (prompt, problem) = Messages(input, "messages");
                if (problem is not null) return ([], "input: " + problem);
                if (prompt[^1].Role != "user") return ([], "input.messages must end with a user turn");
                var (chosen, p1) = Messages(e, "preferred_output");
                if (p1 is not null) return ([], p1);
                var (rejected, p2) = Messages(e, "non_preferred_output");
                if (p2 is not null) return ([], p2);
                if (chosen.Concat(rejected).Any(t => t.Role != "assistant")) return ([], "preferred_output and non_preferred_output must hold assistant turns only");
                return ([([.. prompt, .. chosen], false), ([.. prompt, .. rejected], false)], null);
            }
        }
    }

    private static (List<ChatTurn> Turns, string? Problem) Messages(JsonElement owner, string property)
    {
        if (!owner.TryGetProperty(property, out var array)) return ([], $"missing '{property}'");
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0) return ([], $"'{property}' must be a non-empty array");
        var turns = new List<ChatTurn>();
        var i = 0;
        foreach (var m in array.EnumerateArray())
        {
            var at = $"{property}[{i}]";
            if (m.ValueKind != JsonValueKind.Object) return ([], $"{at} must be an object");
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String) return ([], $"{at}: missing role");
            var r = role.GetString()!;
            if (!Roles.Contains(r)) return ([], $"{at}: unknown role '{r}' (expected system, user or assistant)");
            if (r == "system" && i != 0) return ([], $"{at}: a system message may only come first");
            if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(content.GetString()))
                return ([], $"{at}: empty content");
            int? weight = null;
            if (m.TryGetProperty("weight", out var w))
            {
                if (r != "assistant") return ([], $"{at}: 'weight' is only allowed on assistant messages");
                if (w.ValueKind != JsonValueKind.Number || !w.TryGetInt32(out var wv) || wv is not (0 or 1)) return ([], $"{at}: 'weight' must be 0 or 1");
                weight = wv;
            }
            turns.Add(new ChatTurn(r, content.GetString()!, weight));
            i++;
        }
        return (turns, null);
    }

    private static string? LastRole(JsonElement messages)
    {
        var last = messages[messages.GetArrayLength() - 1];
        return last.ValueKind == JsonValueKind.Object && last.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
    }
}

