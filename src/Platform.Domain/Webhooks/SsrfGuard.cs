using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Platform.Domain.Webhooks;

/// <summary>
/// Keeps webhook deliveries off internal networks: https only, and every address a host resolves to is checked
/// when the connection is made (so DNS rebinding after registration does not help). Loopback, private, link-local
/// (cloud metadata included), CGNAT, multicast and reserved ranges are refused unless explicitly allowlisted.
/// </summary>
public sealed class SsrfGuard(IOptions<WebhookOptions> options)
{
    private static readonly (IPAddress Network, int Prefix)[] Forbidden =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8), (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.168.0.0"), 16), (IPAddress.Parse("198.18.0.0"), 15),
        (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
        (IPAddress.Parse("::"), 128), (IPAddress.Parse("::1"), 128), (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10), (IPAddress.Parse("ff00::"), 8), (IPAddress.Parse("64:ff9b::"), 96),
    ];

    /// <summary>Why a URL may not be registered, or null when it may.</summary>
    public string? CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return "url must be an absolute https URL";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "url must not carry credentials";
        var allowlisted = IsAllowlistedHost(uri.Host);
        if (uri.Scheme == "http" && !allowlisted) return "url must use https";
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) && !IsAllowed(literal, allowlisted))
            return $"url points at a non-public address ({literal})";
        return null;
    }

    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Forbidden.Any(f => f.Network.AddressFamily == address.AddressFamily && InNetwork(address, f.Network, f.Prefix));
    }

    /// <summary>An HTTP handler that connects only to permitted addresses and never follows redirects.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var allowlisted = IsAllowlistedHost(host);
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var permitted = addresses.Where(a => IsAllowed(a, allowlisted)).ToList();
            if (permitted.Count == 0)
                throw new HttpRequestException($"refused to connect: {host} resolves only to non-public addresses ({string.Join(", ", addresses.Select(a => a.ToString()))})");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(permitted[0], context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private bool IsAllowed(IPAddress address, bool hostAllowlisted) =>
        hostAllowlisted || !IsForbidden(address) || options.Value.AllowedHosts.Any(entry => Matches(entry, address));

    private bool IsAllowlistedHost(string host) =>
        options.Value.AllowedHosts.Any(entry => string.Equals(entry, host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    private static bool Matches(string entry, IPAddress address)
    {
        var slash = entry.IndexOf('/');
        if (slash < 0) return IPAddress.TryParse(entry, out var ip) && ip.Equals(address);
        return IPAddress.TryParse(entry[..slash], out var network) && int.TryParse(entry[(slash + 1)..], out var prefix)
               && network.AddressFamily == address.AddressFamily && InNetwork(address, network, prefix);
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }
}
