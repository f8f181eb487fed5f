using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.WebConsole.Auth;

/// <summary>A tenant's console session ends at the next request once its key is revoked or the tenant suspended.</summary>
internal static class TenantSessionValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirst(ConsoleRoles.KeyIdClaim)?.Value;
        if (keyId is null) return;
        var dbFactory = context.HttpContext.RequestServices.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(context.HttpContext.RequestAborted);
        var valid = await db.ApiKeys.AsNoTracking().Where(k => k.Id == keyId && k.RevokedAt == null)
            .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => t.Status)
            .AnyAsync(s => s == TenantStatus.Active, context.HttpContext.RequestAborted);
        if (!valid) context.RejectPrincipal();
    }
}
