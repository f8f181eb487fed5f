using System.Security.Claims;

namespace Platform.WebConsole.Auth;

/// <summary>Who may do what in the console. Operators are "admin" or "viewer"; tenants sign in with an API key.</summary>
public static class ConsoleRoles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";
    public const string Tenant = "tenant";
    public const string TenantIdClaim = "platform:tenant_id";
    public const string KeyIdClaim = "platform:key_id";
    public const string Scheme = "PlatformConsole";

    /// <summary>Policy names: any operator (sees /admin), an operator who may change things, a signed-in tenant.</summary>
    public const string OperatorPolicy = "console-operator";
    public const string AdminPolicy = "console-admin";
    public const string TenantPolicy = "console-tenant";

    public static bool IsOperatorRole(string? role) => role is Admin or Viewer;
}

/// <summary>The signed-in person as the console's actions see them.</summary>
public sealed record ConsoleActor(string Name, string Role, string? TenantId)
{
    public bool CanChange => Role is ConsoleRoles.Admin or ConsoleRoles.Tenant;
    public bool IsOperator => ConsoleRoles.IsOperatorRole(Role);

    /// <summary>Calls to /admin/v1 made with the admin key: an admin, recorded in the audit log as "admin-key".</summary>
    public static ConsoleActor AdminKey { get; } = new(Platform.Domain.Audit.AuditLog.AdminKeyActor, ConsoleRoles.Admin, null);

    public static ConsoleActor? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var role = user.FindFirstValue(ClaimTypes.Role);
        if (role is null) return null;
        return new ConsoleActor(user.FindFirstValue(ClaimTypes.Name) ?? "?", role, user.FindFirstValue(ConsoleRoles.TenantIdClaim));
    }
}
