using System.Security.Cryptography;
using System.Text;

namespace Platform.Api.Tests.Support;

/// <summary>
/// A verifier written from the Standard Webhooks specification alone (not our signer): the signed content is
/// "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256 keyed with the base64-decoded part of the "whsec_" secret,
/// sent as space-separated "v1,{base64}" entries.
/// </summary>
internal static class SpecVerifier
{
    public static bool Verifies(string secret, WebhookReceiver.Received r)
    {
        var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
        using var hmac = new HMACSHA256(key);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return r.Signature.Split(' ').Any(s => s == "v1," + expected);
    }
}
