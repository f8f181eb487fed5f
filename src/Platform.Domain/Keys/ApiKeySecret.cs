using System.Security.Cryptography;
using System.Text;

namespace Platform.Domain.Keys;

/// <summary>
/// Tenant API keys look like <c>sk-plat-&lt;key id&gt;.&lt;secret&gt;</c>: the id finds the row, the secret's SHA-256 is
/// compared in constant time. The secret has 256 bits of entropy, so a fast hash is enough.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "sk-plat-";

    public static (string Plaintext, byte[] Hash) Issue(string keyId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var plaintext = $"{Prefix}{keyId}.{secret}";
        return (plaintext, Hash(plaintext));
    }

    public static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));

    /// <summary>The key id inside a presented key, or null when it is not shaped like one of ours.</summary>
    public static string? KeyIdOf(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var dot = presented.IndexOf('.', Prefix.Length);
        return dot > Prefix.Length ? presented[Prefix.Length..dot] : null;
    }

    public static bool Matches(string presented, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    /// <summary>The non-secret head shown in listings.</summary>
    public static string DisplayPrefix(string keyId) => Prefix + keyId[..Math.Min(keyId.Length, 12)];
}
