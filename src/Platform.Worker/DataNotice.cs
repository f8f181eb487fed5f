using System.Text.Json;
using Platform.Domain.Jobs;
using Platform.Training.Sft;

namespace Platform.Worker;

/// <summary>
/// A dataset's <see cref="DatasetReport"/> as a job event: info when every row was used whole, warn when rows were
/// truncated or skipped; the data lists the counts and each skipped row's line and reason (the first 100).
/// </summary>
internal static class DataNotice
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static JobNotice For(string file, DatasetReport report) => new(
        report.Clean ? "info" : "warn",
        char.ToUpperInvariant(report.Describe(file)[0]) + report.Describe(file)[1..],
        JsonSerializer.Serialize(new
        {
            file, rows = report.Rows, kept = report.Kept, truncated = report.Truncated, tokens_lost = report.TokensLost,
            max_length = report.MaxLength, skipped = report.Skipped.Take(100).Select(r => new { line = r.Line, reason = r.Reason }),
            skipped_count = report.Skipped.Count,
        }, Json));
}
