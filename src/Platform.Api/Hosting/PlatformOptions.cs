namespace Platform.Api.Hosting;

public sealed class StorageOptions
{
    public const string Section = "Storage";
    /// <summary>Folder of the content-addressed artifact store.</summary>
    public string Root { get; set; } = ".data/artifacts";
}

public sealed class FilesOptions
{
    public const string Section = "Files";
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;
}

public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";
    /// <summary>Sustained requests per second per API key.</summary>
    public int RequestsPerSecond { get; set; } = 20;
    /// <summary>Requests a key may make in a burst before it is throttled.</summary>
    public int Burst { get; set; } = 100;
}

public sealed class ClusterHostingOptions
{
    public const string Section = "Cluster";
    /// <summary>Bound onto Orleans' <c>ClusterMembershipOptions</c> (e.g. <c>Cluster__Membership__ProbeTimeout=00:00:02</c>).</summary>
    public const string MembershipSection = "Cluster:Membership";
    /// <summary>"localhost" (one process) or "adonet" (membership in Postgres).</summary>
    public string Clustering { get; set; } = "localhost";
    public string ClusterId { get; set; } = "platform";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>
    /// The address other silos reach this one at (adonet clustering). Empty: this host's own address, found by
    /// Orleans (a container's or pod's IP). Tests and single-machine clusters set 127.0.0.1.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }
}

public sealed class AdminOptions
{
    public const string Section = "Admin";
    /// <summary>Set from PLATFORM_ADMIN_KEY; when empty a key is generated on first start and printed once.</summary>
    public string? Key { get; set; }
}
