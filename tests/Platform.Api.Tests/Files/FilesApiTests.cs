using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Tenants;

namespace Platform.Api.Tests.Files;

public sealed class FilesApiTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Line = Uploads.Chat("Who are you?", "I am Plato.") + "\n";

    [Fact]
    public async Task Another_tenants_file_ids_are_404_on_every_endpoint()
    {
        var owner = await server.NewTenantAsync();
        var stranger = await server.NewTenantAsync();
        using var ownerClient = server.Client(owner.Key);
        var id = (await Uploads.UploadAsync(ownerClient, "mine.jsonl", Line)).GetProperty("id").GetString();

        using var client = server.Client(stranger.Key);
        foreach (var response in new[]
                 {
                     await client.GetAsync($"/v1/files/{id}", Ct),
                     await client.GetAsync($"/v1/files/{id}/content", Ct),
                     await client.DeleteAsync($"/v1/files/{id}", Ct),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("not_found", (await ApiKeyTests.ErrorOf(response)).GetProperty("code").GetString());
        }
        var list = await client.GetFromJsonAsync<JsonElement>("/v1/files", Ct);
        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync($"/v1/files/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Uploads_past_the_storage_quota_are_refused_until_space_is_freed()
    {
        var t = await server.NewTenantAsync(quota: Line.Length * 2 + 10);
        using var client = server.Client(t.Key);
        var first = await Uploads.UploadAsync(client, "1.jsonl", Line);
        await Uploads.UploadAsync(client, "2.jsonl", Line);

        var refused = await client.PostAsync("/v1/files", Uploads.Form("3.jsonl", Line), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = await ApiKeyTests.ErrorOf(refused);
        Assert.Equal("storage_quota_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());

        (await client.DeleteAsync($"/v1/files/{first.GetProperty("id").GetString()}", Ct)).EnsureSuccessStatusCode();
        await Uploads.UploadAsync(client, "3.jsonl", Line);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.StorageRoot, "staging")));
    }

    [Fact]
    public async Task An_oversized_upload_gets_413_and_leaves_nothing_behind()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var big = string.Concat(Enumerable.Repeat(Line, 300 * 1024 / Line.Length + 1));

        var response = await client.PostAsync("/v1/files", Uploads.Form("big.jsonl", big), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("file_too_large", (await ApiKeyTests.ErrorOf(response)).GetProperty("code").GetString());

        // Chunked (no Content-Length): cut off while streaming.
        var chunked = new MultipartFormDataContent
        {
            { new StringContent("fine-tune"), "purpose" },
            { new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big))), "file", "big.jsonl" },
        };
        chunked.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/files") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);

        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/v1/files", Ct)).GetProperty("data").GetArrayLength());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.StorageRoot, "staging")));
    }

    [Fact]
    public async Task Only_the_fine_tune_purpose_is_accepted()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var response = await client.PostAsync("/v1/files", Uploads.Form("x.jsonl", Line, purpose: "assistants"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("purpose", (await ApiKeyTests.ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Listing_pages_with_after_and_limit()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await Uploads.UploadAsync(client, $"{i}.jsonl", Line)).GetProperty("id").GetString()!);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/v1/files?limit=2&order=asc", Ct);
        Assert.True(page1.GetProperty("has_more").GetBoolean());
        var after = page1.GetProperty("last_id").GetString();
        var page2 = await client.GetFromJsonAsync<JsonElement>($"/v1/files?limit=2&order=asc&after={after}", Ct);
        Assert.False(page2.GetProperty("has_more").GetBoolean());
        var seen = page1.GetProperty("data").EnumerateArray().Concat(page2.GetProperty("data").EnumerateArray()).Select(f => f.GetProperty("id").GetString());
        Assert.Equal(ids, seen);
    }
}
