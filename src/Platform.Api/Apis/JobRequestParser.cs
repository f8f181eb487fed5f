using System.Text.Json;
using Platform.Domain.Jobs;

namespace Platform.Api.Apis;

/// <summary>
/// Reads a create-job body: OpenAI's <c>method</c> object (or the older top-level <c>hyperparameters</c>),
/// where each hyperparameter is a number or "auto", plus our <c>lora</c> and <c>train_type</c> inside
/// <c>method.&lt;type&gt;</c>. <c>dpo</c> adds <c>beta</c>; <c>reinforcement</c> adds its <c>grader</c> (kept as JSON,
/// validated by the job) and our <c>num_generations</c>, <c>beta</c>, <c>epsilon</c>, <c>max_completion_length</c>,
/// <c>flat_reward_steps</c>, <c>fail_on_warnings</c>. Every method's hyperparameters may carry our evaluation extensions
/// <c>eval_steps</c> and <c>early_stopping</c> (<c>{"metric","patience","min_delta"}</c>); a supervised method may carry a
/// <c>grader</c> that scores generations on the validation file.
/// </summary>
internal static class JobRequestParser
{
    public static (CreateJob? Request, string? Error, string? Param) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "Request body must be a JSON object", null);
        if (Str(body, "model") is not { Length: > 0 } model) return (null, "'model' is required", "model");
        if (Str(body, "training_file") is not { Length: > 0 } training) return (null, "'training_file' is required", "training_file");

        var method = "supervised";
        JsonElement hp = body.TryGetProperty("hyperparameters", out var legacy) ? legacy : default;
        JsonElement detail = default;
        if (body.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            method = Str(m, "type") ?? "supervised";
            if (m.TryGetProperty(method, out var d) && d.ValueKind == JsonValueKind.Object)
            {
                detail = d;
                if (d.TryGetProperty("hyperparameters", out var h)) hp = h;
            }
        }
        JsonElement lora = detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("lora", out var l) ? l : default;
        var grader = detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("grader", out var g) && g.ValueKind != JsonValueKind.Null ? g.GetRawText() : null;

        try
        {
            return (new CreateJob(
                model, training, Str(body, "validation_file"), Str(body, "suffix"),
                body.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.Number ? seed.GetInt64() : null,
                body.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
                    ? md.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
                    : null,
                method, Int(hp, "n_epochs"), Int(hp, "batch_size"), Num(hp, "learning_rate_multiplier"),
                detail.ValueKind == JsonValueKind.Object ? Str(detail, "train_type") : null,
                Int(lora, "rank"), Num(lora, "alpha"), Num(lora, "dropout"), Modules(lora),
                grader, Num(hp, "beta"), Int(hp, "num_generations"), Num(hp, "epsilon"), Int(hp, "max_completion_length"),
                Bool(body, "allow_truncation"), Bool(body, "auto_adjust_batch"),
                Int(hp, "eval_steps"), EarlyStopping(hp), Int(hp, "flat_reward_steps"), OptionalBool(hp, "fail_on_warnings")), null, null);
        }
        catch (FormatException e) { return (null, e.Message, e.Data["param"] as string); }
    }

    /// <summary>Our extension <c>"dry_run": true</c>: quote the job instead of creating it.</summary>
    public static bool IsDryRun(JsonElement body) => body.ValueKind == JsonValueKind.Object && Bool(body, "dry_run");

    private static bool Bool(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind != JsonValueKind.False && v.ValueKind != JsonValueKind.Null
            ? throw Bad($"'{name}' must be true or false", name) : false));

    private static bool? OptionalBool(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Bool(o, name) : null;

    private static readonly string[] EarlyStoppingFields = ["metric", "patience", "min_delta"];

    /// <summary>hyperparameters.early_stopping: an object of metric, patience and min_delta (each may be left out).</summary>
    private static EarlyStoppingSettings? EarlyStopping(JsonElement hp)
    {
        if (hp.ValueKind != JsonValueKind.Object || !hp.TryGetProperty("early_stopping", out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Object) throw Bad("'early_stopping' must be an object: {\"metric\", \"patience\", \"min_delta\"}", "early_stopping");
        if (e.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !EarlyStoppingFields.Contains(n)) is { } unknown)
            throw Bad($"'early_stopping' has no field '{unknown}' (it takes metric, patience, min_delta)", $"early_stopping.{unknown}");
        if (e.TryGetProperty("metric", out var metric) && metric.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw Bad("'early_stopping.metric' must be a string", "early_stopping.metric");
        try { return new EarlyStoppingSettings(Str(e, "metric"), Int(e, "patience"), Num(e, "min_delta")); }
        catch (FormatException x) when (x.Data["param"] is string field)
        {
            throw Bad($"'early_stopping.{field}' must be {(field == "patience" ? "an integer" : "a number")}", $"early_stopping.{field}");
        }
    }

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement o, string name) => Num(o, name) is { } d
        ? d == Math.Floor(d) ? (int)d : throw Bad($"'{name}' must be an integer or \"auto\"", name)
        : null;

    private static double? Num(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && v.GetString() == "auto") return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad($"'{name}' must be a number or \"auto\"", name);
    }

    private static IReadOnlyList<string>? Modules(JsonElement lora)
    {
        if (lora.ValueKind != JsonValueKind.Object || !lora.TryGetProperty("target_modules", out var t)) return null;
        return t.ValueKind switch
        {
            JsonValueKind.String => [t.GetString()!],
            JsonValueKind.Array => t.EnumerateArray().Select(x => x.GetString() ?? throw Bad("target_modules must be strings", "lora.target_modules")).ToList(),
            _ => throw Bad("target_modules must be a string or an array of strings", "lora.target_modules"),
        };
    }

    private static FormatException Bad(string message, string param) => new(message) { Data = { ["param"] = param } };
}
