namespace Platform.Domain.Datasets;

public sealed class DatasetValidationOptions
{
    public const string Section = "Datasets";
    /// <summary>Examples longer than this many tokens (chat template applied) are rejected at upload.</summary>
    public int MaxExampleTokens { get; set; } = 32768;
    /// <summary>Problems listed per file; the count of all of them is still reported.</summary>
    public int MaxReportedProblems { get; set; } = 50;
    /// <summary>One JSONL line (one example) may not be longer than this.</summary>
    public int MaxLineBytes { get; set; } = 16 * 1024 * 1024;
}
