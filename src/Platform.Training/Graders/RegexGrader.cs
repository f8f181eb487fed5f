using System.Text.RegularExpressions;

namespace Platform.Training.Graders;

/// <summary>
/// Ours: 1 when <c>input</c> matches <c>pattern</c> (.NET syntax, a 1 s timeout), else 0. The format reward of
/// reasoning runs is one: <see cref="ThinkThenAnswer"/>.
/// </summary>
public sealed class RegexGrader(string name, GraderTemplate input, Regex pattern) : Grader("regex", name)
{
    /// <summary>A closed &lt;think&gt;…&lt;/think&gt; block at the start, then a non-empty answer.</summary>
    public const string ThinkThenAnswer = @"^\s*<think>[\s\S]*?</think>\s*\S[\s\S]*$";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public override double Grade(GradingContext context)
    {
        try { return pattern.IsMatch(input.Render(context)) ? 1 : 0; }
        catch (RegexMatchTimeoutException e) { throw new GraderException("the pattern timed out", e); }
    }

    public override IEnumerable<string> ItemFields => input.ItemFields;
}
