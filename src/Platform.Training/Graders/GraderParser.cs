using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Training.Graders;

/// <summary>
/// Reads a grader definition in OpenAI's JSON shape. Every problem is a <see cref="GraderDefinitionException"/>
/// naming where it is (<c>graders.format.pattern</c>) and what is wrong, so an API can answer 400 with it.
/// </summary>
public static class GraderParser
{
    public static readonly string[] Types = ["string_check", "text_similarity", "regex", "accuracy", "multi"];

    public static Grader Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Parse(doc.RootElement, "");
        }
        catch (JsonException e) { throw new GraderDefinitionException("grader", $"not JSON ({e.Message})"); }
    }

    /// <summary>Parses <paramref name="e"/>; <paramref name="path"/> prefixes error locations ("" at the top).</summary>
    public static Grader Parse(JsonElement e, string path)
    {
        string At(string field) => path.Length == 0 ? field : $"{path}.{field}";
        if (e.ValueKind != JsonValueKind.Object) throw new GraderDefinitionException(path.Length == 0 ? "grader" : path, "a grader must be a JSON object");
        var type = Text(e, "type", At("type"));
        var name = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : path.Split('.')[^1] is { Length: > 0 } key ? key : type;
        switch (type)
        {
            case "string_check":
            {
                var operation = Text(e, "operation", At("operation"));
                if (!StringCheckGrader.Operations.Contains(operation))
                    throw new GraderDefinitionException(At("operation"), $"'{operation}' is not one of {string.Join(", ", StringCheckGrader.Operations)}");
                return new StringCheckGrader(name, Template(e, "input", At("input")), Template(e, "reference", At("reference")), operation);
            }
            case "text_similarity":
            {
                var metric = Text(e, "evaluation_metric", At("evaluation_metric"));
                if (!TextSimilarityGrader.Metrics.Contains(metric))
                    throw new GraderDefinitionException(At("evaluation_metric"), $"'{metric}' is not supported; use one of {string.Join(", ", TextSimilarityGrader.Metrics)}");
                double? threshold = e.TryGetProperty("pass_threshold", out var t) && t.ValueKind != JsonValueKind.Null
                    ? t.ValueKind == JsonValueKind.Number ? t.GetDouble() : throw new GraderDefinitionException(At("pass_threshold"), "must be a number")
                    : null;
                return new TextSimilarityGrader(name, Template(e, "input", At("input")), Template(e, "reference", At("reference")), metric, threshold);
            }
            case "regex":
            {
                var pattern = Text(e, "pattern", At("pattern"));
                var ignoreCase = e.TryGetProperty("ignore_case", out var ic) && ic.ValueKind == JsonValueKind.True;
                try
                {
                    var regex = new Regex(pattern, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, RegexGrader.Timeout);
                    return new RegexGrader(name, Template(e, "input", At("input")), regex);
                }
                catch (ArgumentException x) { throw new GraderDefinitionException(At("pattern"), $"not a valid regular expression ({x.Message})"); }
            }
            case "accuracy":
            {
                var tolerance = e.TryGetProperty("tolerance", out var tol) && tol.ValueKind == JsonValueKind.Number ? tol.GetDouble() : 1e-6;
                if (tolerance < 0) throw new GraderDefinitionException(At("tolerance"), "must be >= 0");
                return new AccuracyGrader(name, Template(e, "input", At("input")), Template(e, "reference", At("reference")), tolerance);
            }
            case "multi":
            {
                if (!e.TryGetProperty("graders", out var graders) || graders.ValueKind != JsonValueKind.Object || !graders.EnumerateObject().Any())
                    throw new GraderDefinitionException(At("graders"), "a multi grader needs an object of named graders");
                var parts = graders.EnumerateObject().ToDictionary(p => p.Name, p => Parse(p.Value, At($"graders.{p.Name}")));
                if (parts.Values.Any(p => p is MultiGrader)) throw new GraderDefinitionException(At("graders"), "multi graders do not nest");
                var formula = GraderFormula.Parse(Text(e, "calculate_output", At("calculate_output")), parts.Keys.ToHashSet(), At("calculate_output"));
                return new MultiGrader(name, parts, formula);
            }
            case "python" or "score_model" or "label_model":
                throw new GraderDefinitionException(At("type"), $"'{type}' graders are not supported here; use one of {string.Join(", ", Types)}");
            default:
                throw new GraderDefinitionException(At("type"), $"unknown grader type '{type}'; use one of {string.Join(", ", Types)}");
        }
    }

    private static string Text(JsonElement e, string field, string path) =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0
            ? v.GetString()!
            : throw new GraderDefinitionException(path, "is required (a non-empty string)");

    private static GraderTemplate Template(JsonElement e, string field, string path) => GraderTemplate.Parse(Text(e, field, path), path);
}
