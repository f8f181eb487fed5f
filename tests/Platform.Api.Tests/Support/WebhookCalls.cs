using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

internal static class WebhookCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> CreateAsync(HttpClient client, Uri url, params string[] eventTypes)
    {
        var response = await client.PostAsJsonAsync("/v1/webhooks", new { url = url.ToString(), event_types = eventTypes }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public static async Task<string> SendTestAsync(HttpClient client, string webhookId)
    {
        var response = await client.PostAsync($"/v1/webhooks/{webhookId}/test", null, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("event_id").GetString()!;
    }

    public static async Task<List<JsonElement>> DeliveriesAsync(HttpClient client, string webhookId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{webhookId}/deliveries", Ct)).GetProperty("data").EnumerateArray().ToList();
}
