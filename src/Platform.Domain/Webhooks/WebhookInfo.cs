using Platform.Data.Entities;

namespace Platform.Domain.Webhooks;

/// <summary>A webhook endpoint as the API shows it; <see cref="Secret"/> only right after creation or rotation.</summary>
[GenerateSerializer, Immutable, Alias("Platform.WebhookInfo")]
public sealed record WebhookInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyList<string> EventTypes,
    [property: Id(3)] string? Description,
    [property: Id(4)] bool Enabled,
    [property: Id(5)] string? DisabledReason,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] string? Secret = null)
{
    public static WebhookInfo From(WebhookEndpoint e, bool withSecret = false) =>
        new(e.Id, e.Url, e.EventTypes, e.Description, e.Enabled, e.DisabledReason, e.CreatedAt, withSecret ? e.Secret : null);
}

[GenerateSerializer, Immutable, Alias("Platform.WebhookChange")]
public sealed record WebhookChange(
    [property: Id(0)] string? Url = null,
    [property: Id(1)] IReadOnlyList<string>? EventTypes = null,
    [property: Id(2)] string? Description = null,
    [property: Id(3)] bool? Enabled = null);
