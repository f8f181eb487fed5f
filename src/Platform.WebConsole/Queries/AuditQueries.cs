using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.WebConsole.Queries;

public sealed class AuditQueries(IDbContextFactory<PlatformDbContext> dbFactory)
{
    /// <summary>Newest first; optionally one actor's, one action's or one tenant's entries; keyset-paged by id.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? actor, string? action, string? tenantId, long? beforeId, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor)) q = q.Where(a => a.Actor == actor);
        if (!string.IsNullOrWhiteSpace(action)) q = q.Where(a => a.Action == action);
        if (!string.IsNullOrWhiteSpace(tenantId)) q = q.Where(a => a.TenantId == tenantId);
        if (beforeId is { } before) q = q.Where(a => a.Id < before);
        return await q.OrderByDescending(a => a.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
    }
}
