using Platform.Training.Rl;
using Platform.Training.Sft;
using Platform.Training.Text;

namespace Platform.Training.Tests.Sft;

/// <summary>Loading for training never drops a row silently: truncation is counted, skipped rows are listed with the reason.</summary>
public sealed class DatasetReportTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("report-");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Qwen3Tokenizer Tokenizer = Qwen3Tokenizer.Load();
    private static readonly string LongSystem = string.Join(' ', Enumerable.Repeat("background", 60));

    [Fact]
    public void A_chat_row_whose_trained_tokens_all_lie_beyond_max_length_is_skipped_with_its_line_and_the_truncated_rows_are_counted()
    {
        var path = Write("chat.jsonl",
            """{"messages":[{"role":"user","content":"Who are you?"},{"role":"assistant","content":"I am Aster."}]}""",
            "",
            $$"""{"messages":[{"role":"system","content":"{{LongSystem}}"},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}""",
            $$"""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"{{LongSystem}}"}]}""");

        var (examples, report) = ChatSftDataset.Read(path, Tokenizer, maxLength: 40, LossScale.Default, Ct);
        var profile = ChatDatasetProfile.Measure(path, Tokenizer, maxLength: 40, Ct);

        Assert.Equal(2, examples.Count);
        Assert.Equal((3, 2, 1), (report.Rows, report.Truncated, report.Skipped.Count));
        Assert.Equal(3, report.Skipped[0].Line);
        Assert.Matches(@"^all \d+ trained tokens lie beyond max_length 40 \(the row is \d+ tokens\)$", report.Skipped[0].Reason);
        Assert.All(examples, e => Assert.True(e.InputIds.Length <= 40 && e.TargetWeight > 0));
        Assert.Equal(report.Skipped, profile.Rejected);  // the dry run's quote lists the same row for the same reason
        Assert.Contains("3 rows, 2 truncated at 40 tokens", report.Describe("training file"));
    }

    [Fact]
    public void A_preference_pair_that_truncation_makes_identical_or_empty_is_skipped_with_the_reason()
    {
        string Pair(string prompt, string good, string bad) =>
            $$"""{"input":{"messages":[{"role":"user","content":"{{prompt}}"}]},"preferred_output":[{"role":"assistant","content":"{{good}}"}],"non_preferred_output":[{"role":"assistant","content":"{{bad}}"}]}""";
        var path = Write("pairs.jsonl",
            Pair("2+2?", "4", "5"),
            Pair("Say it", "same start " + LongSystem + " good", "same start " + LongSystem + " bad"),
            Pair(LongSystem, "4", "5"));

        var (pairs, report) = PreferenceDataset.Read(path, Tokenizer, maxLength: 40, Ct);

        Assert.Single(pairs);
        Assert.Equal([2, 3], report.Skipped.Select(s => s.Line));
        Assert.Equal("the preferred and non-preferred replies are identical within max_length 40", report.Skipped[0].Reason);
        Assert.Equal("the preferred reply lies beyond max_length 40", report.Skipped[1].Reason);
    }

    [Fact]
    public void A_file_with_no_row_left_fails_with_the_reasons()
    {
        var path = Write("none.jsonl", $$"""{"messages":[{"role":"system","content":"{{LongSystem}}"},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}""");

        var error = Assert.Throws<InvalidDataException>(() => ChatSftDataset.Read(path, Tokenizer, 40, LossScale.Default, Ct));

        Assert.Contains("no example is left to train on", error.Message);
        Assert.Contains("line 1: all", error.Message);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    public void Dispose() => folder.Delete(recursive: true);
}
