using System.Net;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

/// <summary>No row is dropped silently: the quote and the running job both name every row training leaves out, and why.</summary>
public sealed class DataReportTests(ShortContextServer server) : IClassFixture<ShortContextServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_row_whose_trained_tokens_all_lie_beyond_the_max_length_is_listed_in_the_quote_and_reported_by_the_job()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var sample = await File.ReadAllTextAsync(SelfCognition.DatasetPath, Ct);
        var longPrompt = JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "system", content = string.Join(' ', Enumerable.Repeat("You answer questions about yourself.", 6)) },
                new { role = "user", content = "Who are you?" }, new { role = "assistant", content = "I am Aster." },
            },
        });
        var file = (await Uploads.UploadAsync(client, "with-long-prompt.jsonl", sample.TrimEnd('\n') + "\n" + longPrompt + "\n")).GetProperty("id").GetString()!;

        var quote = await DryRunAndFeasibilityTests.PostAsync(client, DryRunAndFeasibilityTests.Body(file, 1, 9, dryRun: true), HttpStatusCode.OK);
        var rows = quote.GetProperty("rows");
        Assert.Equal((9, 1), (rows.GetProperty("accepted").GetInt32(), rows.GetProperty("rejected").GetInt32()));
        var rejected = rows.GetProperty("rejected_lines")[0];
        Assert.Equal(10, rejected.GetProperty("line").GetInt32());
        Assert.Matches(@"^all \d+ trained tokens lie beyond max_length 24 \(the row is \d+ tokens\)$", rejected.GetProperty("reason").GetString());

        var job = await DryRunAndFeasibilityTests.PostAsync(client, DryRunAndFeasibilityTests.Body(file, 1, 9, allowTruncation: true), HttpStatusCode.OK);
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed")).GetProperty("status").GetString());
        var report = Assert.Single(await JobCalls.EventsAsync(client, id), e => e.GetProperty("message").GetString()!.StartsWith("Training file:", StringComparison.Ordinal));
        Assert.Equal("warn", report.GetProperty("level").GetString());
        Assert.Matches(@"^Training file: 10 rows, \d+ truncated at 24 tokens \(\d+ tokens lost\), 1 skipped \(line 10: all \d+ trained tokens lie beyond max_length 24",
            report.GetProperty("message").GetString());
        var data = report.GetProperty("data");
        Assert.Equal((10, 9, 1), (data.GetProperty("rows").GetInt32(), data.GetProperty("kept").GetInt32(), data.GetProperty("skipped_count").GetInt32()));
        Assert.Equal(rejected.GetProperty("reason").GetString(), data.GetProperty("skipped")[0].GetProperty("reason").GetString());
    }
}
