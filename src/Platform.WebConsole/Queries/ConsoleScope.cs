using Platform.WebConsole.Auth;

namespace Platform.WebConsole.Queries;

/// <summary>What a page may show: every tenant's data (/admin) or one tenant's (/console), and where its links go.</summary>
public sealed record ConsoleScope(string? TenantId, string BasePath)
{
    public static ConsoleScope Operators { get; } = new(null, "/admin");
    public static ConsoleScope ForTenant(string tenantId) => new(tenantId, "/console");

    public static ConsoleScope From(ConsoleActor? actor) =>
        actor?.Role == ConsoleRoles.Tenant && actor.TenantId is { } t ? ForTenant(t) : Operators;

    public bool AllTenants => TenantId is null;

    public IQueryable<T> Filter<T>(IQueryable<T> query, System.Linq.Expressions.Expression<Func<T, bool>> ownedBy) =>
        AllTenants ? query : query.Where(ownedBy);
}

/// <summary>One page of a list, with the total count for the pager.</summary>
public sealed record Page<T>(IReadOnlyList<T> Rows, int Total, int PageNumber, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}
