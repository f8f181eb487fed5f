namespace Platform.Data.Entities;

/// <summary>
/// A tenant API key. Only the SHA-256 of the secret is stored; the plaintext is returned once at issue.
/// </summary>
public sealed class ApiKey
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    /// <summary>The non-secret head of the key (e.g. "sk-plat-1a2b3c4d5e6f"), shown in listings.</summary>
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
