namespace Platform.Training.Graders;

/// <summary>
/// OpenAI's multi grader: named sub-graders combined by the <c>calculate_output</c> formula
/// (e.g. <c>0.8 * accuracy + 0.2 * format</c>; see <see cref="GraderFormula"/>).
/// </summary>
public sealed class MultiGrader(string name, IReadOnlyDictionary<string, Grader> graders, GraderFormula formula) : Grader("multi", name)
{
    public IReadOnlyDictionary<string, Grader> Graders { get; } = graders;
    public GraderFormula Formula { get; } = formula;

    public override double Grade(GradingContext context) => Combine(Graders.ToDictionary(g => g.Key, g => g.Value.Grade(context)));

    /// <summary>The formula over the sub-graders' scores; a non-finite result is a grader error.</summary>
    public double Combine(IReadOnlyDictionary<string, double> scores)
    {
        var value = Formula.Evaluate(scores);
        return double.IsFinite(value) ? value : throw new GraderException($"calculate_output gave {value}");
    }

    public override IEnumerable<string> ItemFields => Graders.Values.SelectMany(g => g.ItemFields);
}
