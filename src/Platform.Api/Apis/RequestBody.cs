using System.Text.Json;
using Platform.Domain.Errors;

namespace Platform.Api.Apis;

internal static class RequestBody
{
    /// <summary>The body as a JSON object, or a 400 (through <see cref="DomainException"/>) when it is not one.</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            if (body.ValueKind == JsonValueKind.Object) return body;
        }
        catch (JsonException) { }
        throw new DomainException(ErrorKind.InvalidRequest, "invalid_json", "The body must be a JSON object.");
    }
}
