using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Inference;
using Platform.Api.Tests.Support;
using Platform.Data;

namespace Platform.Api.Tests.Inference;

public sealed class ChatCompletionsTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Streamed_and_non_streamed_answers_are_equal_and_the_stream_is_well_formed(bool thinking)
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);

        var (response, whole) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Who are you?", 16, thinking: thinking));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var streamed = await client.PostAsJsonAsync("/v1/chat/completions", Completions.Chat("qwen3-tiny", "Who are you?", 16, stream: true, thinking: thinking), Ct);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var events = Completions.Events(await streamed.Content.ReadAsStringAsync(Ct));

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var deltas = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).Select(c => c.GetProperty("delta")).ToList();
        string Joined(string field) => string.Concat(deltas.Select(d => d.TryGetProperty(field, out var v) ? v.GetString() : ""));
        var finish = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).Select(c => c.GetProperty("finish_reason"))
            .Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()).ToList();
        var usage = chunks[^1].GetProperty("usage");
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());

        var message = whole.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(message.GetProperty("content").GetString(), Joined("content"));
        Assert.Equal(message.GetProperty("reasoning_content").GetString() ?? "", Joined("reasoning_content"));
        Assert.Equal([whole.GetProperty("choices")[0].GetProperty("finish_reason").GetString()], finish);
        Assert.Equal(whole.GetProperty("usage").ToString(), usage.ToString());
        Assert.Equal("chat.completion", whole.GetProperty("object").GetString());
    }

    [Fact]
    public async Task A_tenant_calls_its_own_model_and_another_tenants_model_is_404()
    {
        var owner = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var model = await Completions.RegisterAdapterModelAsync(server, owner.TenantId);
        using var ownerClient = server.Client(owner.Key);
        using var otherClient = server.Client(other.Key);

        var (ok, answer) = await Completions.PostAsync(ownerClient, "/v1/chat/completions", Completions.Chat(model, "Who are you?"));
        var (missing, error) = await Completions.PostAsync(otherClient, "/v1/chat/completions", Completions.Chat(model, "Who are you?"));
        var (unknown, _) = await Completions.PostAsync(ownerClient, "/v1/chat/completions", Completions.Chat("no-such-model", "Hi"));
        var (onBase, baseAnswer) = await Completions.PostAsync(ownerClient, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Who are you?"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(model, answer.GetProperty("model").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onBase.StatusCode);
        Assert.NotEqual(baseAnswer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Deleting_a_model_unloads_its_adapter_and_later_calls_are_404()
    {
        var t = await server.NewTenantAsync();
        var model = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 5);
        using var client = server.Client(t.Key);
        var pool = server.Services.GetRequiredService<InferencePool>();
        Assert.Equal(HttpStatusCode.OK, (await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, "Hi"))).Response.StatusCode);
        Assert.Contains(model, pool.Loaded("qwen3-tiny")!.Stats.ResidentAdapters);

        (await client.DeleteAsync($"/v1/models/{model}", Ct)).EnsureSuccessStatusCode();

        await WaitUntilAsync(() => !pool.Loaded("qwen3-tiny")!.Stats.ResidentAdapters.Contains(model), "the adapter to be unloaded");
        Assert.Equal(HttpStatusCode.NotFound, (await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, "Hi"))).Response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_from_a_stream_frees_its_slot_at_once()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var engine = (await WarmEngineAsync(client));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(Completions.Chat("qwen3-tiny", "Tell me a very long story.", maxTokens: 2000, stream: true)),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[256];
        Assert.True(await stream.ReadAsync(buffer, Ct) > 0);
        await WaitUntilAsync(() => engine.Stats.Running == 1, "the sequence to run");

        response.Dispose();

        await WaitUntilAsync(() => engine.Stats is { Running: 0 } s && s.FreePages == s.TotalPages, "the slot to be freed", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Text_completions_answer_and_usage_is_recorded_per_tenant_and_model()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);

        var (response, body) = await Completions.PostAsync(client, "/v1/completions", new { model = "qwen3-tiny", prompt = "Once upon a time", max_tokens = 5, temperature = 0, logprobs = 2 });
        await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("tokens").GetArrayLength());
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct);
        var rows = await db.InferenceUsage.Where(u => u.TenantId == t.TenantId).ToListAsync(Ct);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("qwen3-tiny", r.Model));
        Assert.Equal(8, rows.Sum(r => r.CompletionTokens));
    }

    private async Task<Platform.Inference.Engine.InferenceEngine> WarmEngineAsync(HttpClient client)
    {
        await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 1));
        return server.Services.GetRequiredService<InferencePool>().Loaded("qwen3-tiny")!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }
}
