using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

internal static class Uploads
{
    public static MultipartFormDataContent Form(string filename, byte[] content, string purpose = "fine-tune") => new()
    {
        { new StringContent(purpose), "purpose" },
        { new ByteArrayContent(content), "file", filename },
    };

    public static MultipartFormDataContent Form(string filename, string content, string purpose = "fine-tune") =>
        Form(filename, Encoding.UTF8.GetBytes(content), purpose);

    public static async Task<JsonElement> UploadAsync(HttpClient client, string filename, string content)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await client.PostAsync("/v1/files", Form(filename, content), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public static string Chat(string user, string assistant) =>
        JsonSerializer.Serialize(new { messages = new object[] { new { role = "user", content = user }, new { role = "assistant", content = assistant } } });
}
