using System.Security.Cryptography;
using System.Text;

namespace Platform.Domain.Webhooks;

/// <summary>
/// Standard Webhooks signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>, keyed
/// with the base64 part of a <c>whsec_</c> secret; one signature per active secret, space separated.
/// Receivers can use <see cref="Verify"/> (or any Standard Webhooks library).
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string messageId, long timestamp, string body, IEnumerable<string> secrets) =>
        string.Join(' ', secrets.Select(s => "v1," + Convert.ToBase64String(Mac(s, messageId, timestamp, body))));

    /// <summary>
    /// True when one of the header's v1 signatures matches <paramref name="secret"/> and the timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/> (replay protection).
    /// </summary>
    public static bool Verify(string secret, string messageId, string timestampHeader, string signatureHeader, string body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, out var timestamp)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds) return false;
        var expected = Mac(secret, messageId, timestamp, body);
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal)) continue;
            byte[] given;
            try { given = Convert.FromBase64String(part[3..]); } catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
        }
        return false;
    }

    private static byte[] Mac(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
    }
}
