using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.WebConsole.Queries;

namespace Platform.Api.Apis;

/// <summary>Operator endpoint: the audit log of operator actions (console users and the admin key), newest first.</summary>
public static class AdminAuditApi
{
    public sealed record AuditObject(long Id, long CreatedAt, string Actor, string Action, string Target, string? TenantId, string? Detail, string Object = "audit_entry");

    public static RouteGroupBuilder MapAdminAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/v1/audit")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .WithTags("Admin");
        group.MapGet("/", List);
        return group;
    }

    private static async Task<ListPage<AuditObject>> List(AuditQueries audit, CancellationToken ct,
        string? actor = null, string? action = null, string? tenant_id = null, long? before = null, int? limit = null)
    {
        var take = Math.Clamp(limit ?? 50, 1, 500);
        var rows = await audit.ListAsync(actor, action, tenant_id, before, take + 1, ct);
        var page = rows.Take(take).Select(a => new AuditObject(a.Id, a.At.ToUnixTimeSeconds(), a.Actor, a.Action, a.Target, a.TenantId, a.Detail)).ToList();
        return new ListPage<AuditObject>(page, rows.Count > take, page.FirstOrDefault()?.Id.ToString(), page.LastOrDefault()?.Id.ToString());
    }
}
