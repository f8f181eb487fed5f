namespace Platform.Data.Entities;

/// <summary>The operator's admin key, stored as a SHA-256 hash. One row.</summary>
public sealed class AdminCredential
{
    public int Id { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
