namespace Platform.Training.Graders;

/// <summary>
/// The reward functions named on the command line (ms-swift's --reward_funcs), as graders: <c>accuracy</c> compares the
/// completion's final number with the row's <c>solution</c> field (ms-swift's column), <c>format</c> checks
/// "&lt;think&gt;…&lt;/think&gt; then an answer". Several are summed with equal weight (a multi grader).
/// </summary>
public static class BuiltInGraders
{
    public static readonly string[] Names = ["accuracy", "format"];

    public static Grader Create(IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ArgumentException("name at least one reward function", nameof(names));
        var graders = names.Distinct().ToDictionary(n => n, One);
        return graders.Count == 1
            ? graders.Values.Single()
            : new MultiGrader("reward", graders, GraderFormula.Parse(string.Join(" + ", graders.Keys), graders.Keys.ToHashSet(), "reward_funcs"));
    }

    private static Grader One(string name) => name switch
    {
        "accuracy" => new AccuracyGrader("accuracy", GraderTemplate.Parse("{{sample.output_text}}", name), GraderTemplate.Parse("{{item.solution}}", name)),
        "format" => new RegexGrader("format", GraderTemplate.Parse("{{sample.output_text}}", name),
            new System.Text.RegularExpressions.Regex(RegexGrader.ThinkThenAnswer, System.Text.RegularExpressions.RegexOptions.None, RegexGrader.Timeout)),
        _ => throw new ArgumentException($"unknown reward function '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
