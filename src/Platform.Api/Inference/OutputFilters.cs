namespace Platform.Api.Inference;

/// <summary>A check over generated text before it is returned; operators plug in their own. Null means the text may go out.</summary>
public interface IOutputFilter
{
    string? Violation(string text);
}

/// <summary>The default: every text may go out.</summary>
public sealed class NoOutputFilter : IOutputFilter
{
    public string? Violation(string text) => null;
}

/// <summary>The example filter: refuses text containing any configured phrase, ignoring case.</summary>
public sealed class BlockedPhrasesFilter(IReadOnlyList<string> phrases) : IOutputFilter
{
    public string? Violation(string text) =>
        phrases.FirstOrDefault(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)) is { } phrase ? $"blocked phrase '{phrase}'" : null;
}
