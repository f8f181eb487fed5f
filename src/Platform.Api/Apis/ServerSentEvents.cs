using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Platform.Api.Apis;

/// <summary>Writes an OpenAI-style SSE stream: <c>data: {json}</c> events, then <c>data: [DONE]</c>.</summary>
public sealed class ServerSentEvents(HttpContext http)
{
    private readonly JsonSerializerOptions json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    public void Start()
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
    }

    public async Task WriteAsync<T>(T data, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(data, json) + "\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    public async Task DoneAsync(CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
