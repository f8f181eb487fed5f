namespace Platform.Data.Entities;

/// <summary>An operator who signs in to the web console at /admin. Password hashed with Identity's PasswordHasher.</summary>
public sealed class ConsoleUser
{
    public int Id { get; set; }
    /// <summary>Lower-cased email; the sign-in name.</summary>
    public required string Email { get; set; }
    /// <summary>"admin" (may change things) or "viewer" (sees everything, changes nothing).</summary>
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary>Wrong passwords since the last success; reaching the limit locks the account.</summary>
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
