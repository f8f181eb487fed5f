namespace Platform.Training.Graders;

/// <summary>
/// OpenAI's string_check: 1 when <c>input</c> and <c>reference</c> relate as <c>operation</c> says, else 0.
/// eq / ne compare exactly; like / ilike test whether input contains reference (ilike ignoring case).
/// </summary>
public sealed class StringCheckGrader(string name, GraderTemplate input, GraderTemplate reference, string operation)
    : Grader("string_check", name)
{
    public static readonly string[] Operations = ["eq", "ne", "like", "ilike"];

    public string Operation { get; } = operation;

    public override double Grade(GradingContext context)
    {
        var (i, r) = (input.Render(context), reference.Render(context));
        var pass = Operation switch
        {
            "eq" => i == r,
            "ne" => i != r,
            "like" => i.Contains(r, StringComparison.Ordinal),
            "ilike" => i.Contains(r, StringComparison.OrdinalIgnoreCase),
            _ => throw new GraderException($"unknown operation '{Operation}'"),
        };
        return pass ? 1 : 0;
    }

    public override IEnumerable<string> ItemFields => input.ItemFields.Concat(reference.ItemFields);
}
