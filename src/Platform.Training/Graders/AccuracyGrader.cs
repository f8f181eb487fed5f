using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Training.Graders;

/// <summary>
/// Ours (ms-swift's "accuracy" reward for maths): 1 when the final answer of <c>input</c> equals the one of
/// <c>reference</c> numerically (relative tolerance), else 0. The final answer is the content of the last
/// <c>\boxed{…}</c> when there is one, else the last number; numbers may be negative, decimal, use thousands commas,
/// or be fractions (<c>a/b</c>, <c>\frac{a}{b}</c>). A completion without a number scores 0; a reference without one
/// is a grader error.
/// </summary>
public sealed partial class AccuracyGrader(string name, GraderTemplate input, GraderTemplate reference, double tolerance = 1e-6)
    : Grader("accuracy", name)
{
    public override double Grade(GradingContext context)
    {
        var expected = FinalNumber(reference.Render(context)) ?? throw new GraderException("the reference holds no number");
        return FinalNumber(input.Render(context)) is { } actual && Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected)) ? 1 : 0;
    }

    public override IEnumerable<string> ItemFields => input.ItemFields.Concat(reference.ItemFields);

    /// <summary>The value of the last \boxed{…} (or, without one, of the last number) in <paramref name="text"/>.</summary>
    public static double? FinalNumber(string text)
    {
        var boxed = LastBoxed(text);
        var scope = boxed ?? text;
        var matches = Number().Matches(scope);
        if (matches.Count == 0) return null;
        return Value(matches[^1]);
    }

    private static double? Value(Match m)
    {
        if (m.Groups["fnum"].Success) return Parse(m.Groups["fnum"].Value) / Parse(m.Groups["fden"].Value);
        if (m.Groups["den"].Success) return Parse(m.Groups["num"].Value) / Parse(m.Groups["den"].Value);
        return Parse(m.Groups["num"].Value);
    }

    private static double Parse(string s) => double.Parse(s.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The content of the last \boxed{…}, braces balanced; null when there is none.</summary>
    private static string? LastBoxed(string text)
    {
        var start = text.LastIndexOf(@"\boxed{", StringComparison.Ordinal);
        if (start < 0) return null;
        var depth = 0;
        for (var i = start + @"\boxed".Length; i < text.Length; i++)
        {
            depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            if (depth == 0) return text[(start + @"\boxed{".Length)..i];
        }
        return null;
    }

    [GeneratedRegex(@"\\frac\{\s*(?<fnum>-?\d+(?:\.\d+)?)\s*\}\{\s*(?<fden>-?\d+(?:\.\d+)?)\s*\}|(?<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?:\s*/\s*(?<den>\d+(?:\.\d+)?))?")]
    private static partial Regex Number();
}
