namespace Platform.Api.Hosting;

/// <summary>
/// What this process does in the cluster (configuration key <c>Roles</c>, e.g. "api,worker"): every process is a silo;
/// "api" serves HTTP and delivers webhooks, "worker" consumes training runs. One process does both by default.
/// </summary>
public sealed record PlatformRoles(bool Api, bool Worker)
{
    public static PlatformRoles From(IConfiguration configuration)
    {
        var roles = (configuration["Roles"] ?? "api,worker").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = roles.Except(["api", "worker"], StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException($"unknown role(s) {string.Join(", ", unknown)}; known: api, worker");
        return new PlatformRoles(roles.Contains("api", StringComparer.OrdinalIgnoreCase), roles.Contains("worker", StringComparer.OrdinalIgnoreCase));
    }
}
