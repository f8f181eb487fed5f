using Platform.Data.Entities;

namespace Platform.Domain.Tenants;

[GenerateSerializer, Immutable, Alias("Platform.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] TenantLimits Limits)
{
    public static TenantInfo From(Tenant t) =>
        new(t.Id, t.Name, t.Status.ToString().ToLowerInvariant(), t.CreatedAt,
            new TenantLimits(t.StorageQuotaBytes, t.MaxConcurrentJobs, t.MaxQueuedJobs, t.TrainedTokensLimit));
}

/// <summary>What a tenant may use; null fields keep the defaults.</summary>
[GenerateSerializer, Immutable, Alias("Platform.TenantLimits")]
public sealed record TenantLimits(
    [property: Id(0)] long? StorageQuotaBytes = null,
    [property: Id(1)] int? MaxConcurrentJobs = null,
    [property: Id(2)] int? MaxQueuedJobs = null,
    [property: Id(3)] long? TrainedTokensLimit = null);

[GenerateSerializer, Immutable, Alias("Platform.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Prefix,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? RevokedAt)
{
    public static ApiKeyInfo From(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt);
}

/// <summary>Returned once, at issue: the only time the plaintext key exists outside the caller.</summary>
[GenerateSerializer, Immutable, Alias("Platform.IssuedApiKey")]
public sealed record IssuedApiKey(
    [property: Id(0)] ApiKeyInfo Key,
    [property: Id(1)] string Plaintext);
