using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Training.Graders;

/// <summary>
/// A grader's input or reference: literal text with <c>{{item.field.sub}}</c> (the dataset row; a number indexes an
/// array, e.g. <c>{{item.messages.1.content}}</c>) and <c>{{sample.output_text}}</c> (the completion) substituted,
/// OpenAI's template syntax.
/// </summary>
public sealed partial class GraderTemplate
{
    private readonly List<(string Literal, string[]? Path)> parts = [];

    private GraderTemplate(string text) => Text = text;

    public string Text { get; }

    public IEnumerable<string> ItemFields => parts.Where(p => p.Path is ["item", _, ..]).Select(p => p.Path![1]);

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> locates it in error messages.</summary>
    public static GraderTemplate Parse(string text, string path)
    {
        var template = new GraderTemplate(text);
        var position = 0;
        foreach (Match m in Variable().Matches(text))
        {
            template.parts.Add((text[position..m.Index], null));
            var name = m.Groups[1].Value;
            var segments = name.Split('.');
            var known = (segments is ["item", _, ..] && segments.All(s => s.Length > 0)) || name == "sample.output_text";
            if (!known) throw new GraderDefinitionException(path, $"unknown template variable '{{{{{name}}}}}' (use {{{{item.<field>}}}} or {{{{sample.output_text}}}})");
            template.parts.Add(("", segments));
            position = m.Index + m.Length;
        }
        var rest = text[position..];
        if (rest.Contains("{{", StringComparison.Ordinal)) throw new GraderDefinitionException(path, "unclosed or malformed '{{' in template");
        template.parts.Add((rest, null));
        return template;
    }

    public string Render(GradingContext context)
    {
        var output = new StringBuilder();
        foreach (var (literal, path) in parts)
        {
            output.Append(literal);
            if (path is null) continue;
            if (path[0] == "sample") { output.Append(context.OutputText); continue; }
            var value = context.Item;
            foreach (var segment in path.Skip(1))
                value = value.ValueKind == JsonValueKind.Object && value.TryGetProperty(segment, out var field) ? field
                    : value.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index >= 0 && index < value.GetArrayLength() ? value[index]
                    : throw new GraderException($"the item has no field '{string.Join('.', path.Skip(1))}'");
            output.Append(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
        }
        return output.ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")]
    private static partial Regex Variable();
}
