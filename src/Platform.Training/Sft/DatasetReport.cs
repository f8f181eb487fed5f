namespace Platform.Training.Sft;

/// <summary>
/// What loading a dataset for training did to its rows: how many were read, how many truncated at
/// <see cref="MaxLength"/> (and the tokens that cut), and every row left out, with its line and the reason. Nothing is
/// dropped without appearing here.
/// </summary>
public sealed record DatasetReport(int Rows, int Truncated, long TokensLost, int MaxLength, IReadOnlyList<RejectedRow> Skipped)
{
    public int Kept => Rows - Skipped.Count;
    public bool Clean => Truncated == 0 && Skipped.Count == 0;

    /// <summary>One sentence for a job event or a log line, e.g. "training file: 40 rows, 2 truncated at 512 tokens (130 tokens lost), 1 skipped (line 7: …)".</summary>
    public string Describe(string what)
    {
        var text = $"{what}: {Rows} rows";
        text += Truncated == 0 ? $", none truncated at {MaxLength} tokens" : $", {Truncated} truncated at {MaxLength} tokens ({TokensLost} tokens lost)";
        if (Skipped.Count == 0) return text + ", none skipped";
        var shown = string.Join("; ", Skipped.Take(5).Select(s => $"line {s.Line}: {s.Reason}"));
        return text + $", {Skipped.Count} skipped ({shown}{(Skipped.Count > 5 ? "; …" : "")})";
    }
}

/// <summary>Rows as training uses them, with the <see cref="DatasetReport"/> of how they were read.</summary>
public sealed record LoadedRows<T>(List<T> Examples, DatasetReport Report);
