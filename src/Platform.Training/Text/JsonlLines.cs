namespace Platform.Training.Text;

/// <summary>The non-blank lines of a JSONL file with their 1-based line numbers (as validation reports name them).</summary>
public static class JsonlLines
{
    public static IEnumerable<(int Line, string Text)> Read(string path, CancellationToken cancellationToken = default)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.IsNullOrWhiteSpace(text)) yield return (line, text);
        }
    }
}
