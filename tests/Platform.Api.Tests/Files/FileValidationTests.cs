using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Training.Text;

namespace Platform.Api.Tests.Files;

public sealed class FileValidationTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Good = Uploads.Chat("Who are you?", "I am Plato, made by Acme.");

    public static TheoryData<string, string, string> BadLines => new()
    {
        { "bad JSON", "{\"messages\": [", "invalid JSON" },
        { "missing role", """{"messages":[{"content":"hi"},{"role":"assistant","content":"x"}]}""", "missing role" },
        { "unknown role", """{"messages":[{"role":"robot","content":"hi"},{"role":"assistant","content":"x"}]}""", "unknown role 'robot'" },
        { "empty content", """{"messages":[{"role":"user","content":"  "},{"role":"assistant","content":"x"}]}""", "empty content" },
        { "no assistant turn", """{"messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"},{"role":"user","content":"again"}]}""", "no assistant turn" },
        { "system not first", """{"messages":[{"role":"user","content":"hi"},{"role":"system","content":"s"},{"role":"assistant","content":"x"}]}""", "system message may only come first" },
        { "bad weight", """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x","weight":2}]}""", "'weight' must be 0 or 1" },
        { "no messages", """{"prompt":"hi","completion":"x"}""", "missing 'messages'" },
        { "not an object", "[1,2]", "must be a JSON object" },
        { "too long", Uploads.Chat(string.Join(' ', Enumerable.Repeat("word", 400)), "ok"), "longer than the limit of 200" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task Each_problem_is_reported_with_its_line_and_the_file_is_not_accepted(string _, string badLine, string expected)
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await Uploads.UploadAsync(client, "data.jsonl", $"{Good}\n\n{Good}\n{badLine}\n{Good}\n");

        Assert.Equal("error", file.GetProperty("status").GetString());
        var problem = Assert.Single(file.GetProperty("validation_errors").EnumerateArray());
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        Assert.Contains(expected, problem.GetProperty("message").GetString());
        Assert.Contains("line 4", file.GetProperty("status_details").GetString());
    }

    [Fact]
    public async Task Invalid_utf8_is_reported_with_its_line()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Good + "\n"), .. "{\"messages\":\""u8, 0xFF, 0xFE, .. "\"}\n"u8];
        using var response = await client.PostAsync("/v1/files", Uploads.Form("d.jsonl", bytes), Ct);
        var file = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var problem = Assert.Single(file.GetProperty("validation_errors").EnumerateArray());
        Assert.Equal(2, problem.GetProperty("line").GetInt32());
        Assert.Equal("invalid UTF-8", problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_clean_file_gets_token_stats_counted_with_the_chat_template_and_duplicates()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var other = Uploads.Chat("What is 2+2?", "<think>\nadd\n</think>\n\n4");
        var file = await Uploads.UploadAsync(client, "data.jsonl", $"{Good}\n{other}\n{Good}\n");

        Assert.Equal("processed", file.GetProperty("status").GetString());
        var stats = file.GetProperty("dataset");
        Assert.Equal("chat", stats.GetProperty("kind").GetString());
        Assert.Equal(3, stats.GetProperty("examples").GetInt32());
        Assert.Equal(1, stats.GetProperty("duplicates").GetInt32());
        var tokenizer = Qwen3Tokenizer.Load();
        int Count(string u, string a) => tokenizer.Encode(ChatTemplate.Render([ChatMessage.User(u), ChatMessage.Assistant(a)])).Length;
        var good = Count("Who are you?", "I am Plato, made by Acme.");
        var second = Count("What is 2+2?", "<think>\nadd\n</think>\n\n4");
        Assert.Equal(2 * good + second, stats.GetProperty("total_tokens").GetInt64());
        Assert.Equal(Math.Max(good, second), stats.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Preference_and_prompt_datasets_are_recognised()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        const string pref = """{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"Go away."}]}""";
        const string prompt = """{"messages":[{"role":"user","content":"What is 3*4?"}],"answer":"12"}""";
        Assert.Equal("preference", (await Uploads.UploadAsync(client, "p.jsonl", pref + "\n")).GetProperty("dataset").GetProperty("kind").GetString());
        Assert.Equal("prompt", (await Uploads.UploadAsync(client, "r.jsonl", prompt + "\n")).GetProperty("dataset").GetProperty("kind").GetString());

        var broken = await Uploads.UploadAsync(client, "p2.jsonl", pref + "\n" + """{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"x"}]}""" + "\n");
        Assert.Equal("error", broken.GetProperty("status").GetString());
        Assert.Contains("missing 'non_preferred_output'", broken.GetProperty("validation_errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Json_arrays_and_csv_are_converted_to_the_chat_form()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var array = await Uploads.UploadAsync(client, "a.json", $"[{Good},\n {Good}]");
        Assert.Equal(2, array.GetProperty("dataset").GetProperty("examples").GetInt32());

        const string csv = "system,query,response\n,who are you?,\"I am Plato, made by Acme.\"\nBe brief.,\"multi\nline\",ok\n";
        var converted = await Uploads.UploadAsync(client, "d.csv", csv);
        Assert.Equal("processed", converted.GetProperty("status").GetString());
        Assert.Equal(2, converted.GetProperty("dataset").GetProperty("examples").GetInt32());
        var content = await client.GetStringAsync($"/v1/files/{converted.GetProperty("id").GetString()}/content", Ct);
        Assert.Equal(csv, content);

        var badCsv = await Uploads.UploadAsync(client, "e.csv", "query,response\nhi,there\nonly-one-field\n");
        Assert.Equal(3, badCsv.GetProperty("validation_errors")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task The_report_is_capped_but_counts_every_problem()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var lines = string.Join('\n', Enumerable.Range(0, 80).Select(_ => "nope"));
        var file = await Uploads.UploadAsync(client, "many.jsonl", lines);
        Assert.Equal(50, file.GetProperty("validation_errors").GetArrayLength());
        Assert.StartsWith("80 problem(s)", file.GetProperty("status_details").GetString());
    }

    [Fact]
    public async Task An_empty_file_is_an_error()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await Uploads.UploadAsync(client, "empty.jsonl", "\n\n");
        Assert.Equal("error", file.GetProperty("status").GetString());
        Assert.Contains("no examples", file.GetProperty("status_details").GetString());
    }
}
