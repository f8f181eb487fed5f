namespace Platform.Api.Hosting;

/// <summary>
/// What this process does in the cluster (configuration key <c>Roles</c>, e.g. "api,worker"): every process is a silo;
/// "api" serves HTTP and delivers webhooks, "worker" consumes training runs, "inference" holds base models and adapters
/// and runs completions. One process does all three by default.
/// </summary>
public sealed record PlatformRoles(bool Api, bool Worker, bool Inference)
{
    private static readonly string[] Known = ["api", "worker", "inference"];

    /// <summary>"api,worker,inference" style, as configured (the silo's metadata carries it).</summary>
    public override string ToString() =>
        string.Join(',', new[] { Api ? "api" : null, Worker ? "worker" : null, Inference ? "inference" : null }.OfType<string>());

    public static PlatformRoles From(IConfiguration configuration)
    {
        var roles = (configuration["Roles"] ?? "api,worker,inference").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = roles.Except(Known, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException($"unknown role(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Known)}");
        bool Has(string role) => roles.Contains(role, StringComparer.OrdinalIgnoreCase);
        return new PlatformRoles(Has("api"), Has("worker"), Has("inference"));
    }
}
