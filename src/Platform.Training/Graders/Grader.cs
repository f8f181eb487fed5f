using System.Text.Json;

namespace Platform.Training.Graders;

/// <summary>What a grader sees: the dataset row (<c>item.*</c>) and the model's completion (<c>sample.output_text</c>).</summary>
public sealed record GradingContext(JsonElement Item, string OutputText);

/// <summary>
/// A rule that scores one completion, in OpenAI's grader shapes (string_check, text_similarity, multi) plus our
/// regex and accuracy graders. <see cref="Grade"/> throws <see cref="GraderException"/> when it cannot score a sample
/// (a missing item field, a regex timeout); callers score such a sample 0 and count it.
/// </summary>
public abstract class Grader(string type, string name)
{
    public string Type { get; } = type;
    public string Name { get; } = name;

    public abstract double Grade(GradingContext context);

    /// <summary>The top-level <c>item.*</c> fields the grader's templates read (to check a dataset before training).</summary>
    public abstract IEnumerable<string> ItemFields { get; }
}

/// <summary>A grader could not score one sample.</summary>
public sealed class GraderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A grader definition is invalid: <see cref="Path"/> says where (e.g. <c>graders.acc.operation</c>).</summary>
public sealed class GraderDefinitionException(string path, string message) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
    public string Problem { get; } = message;
}
