using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Keys;

/// <summary>Checks a presented tenant API key against its row: the REST API on every call, the console at sign-in.</summary>
public static class TenantKeyVerifier
{
    public enum Outcome { Valid, Invalid, Suspended }

    public sealed record Result(Outcome Outcome, string? TenantId = null, string? KeyId = null, string? TenantName = null);

    public static async Task<Result> VerifyAsync(PlatformDbContext db, string presented, CancellationToken cancellationToken)
    {
        var keyId = ApiKeySecret.KeyIdOf(presented);
        if (keyId is null) return new Result(Outcome.Invalid);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId)
            .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => new { k.SecretHash, k.RevokedAt, k.TenantId, t.Status, t.Name })
            .SingleOrDefaultAsync(cancellationToken);
        // Hash even when the id is unknown so timing does not tell valid ids from invalid ones.
        var matches = ApiKeySecret.Matches(presented, found?.SecretHash ?? new byte[32]);
        if (found is null || !matches || found.RevokedAt is not null) return new Result(Outcome.Invalid);
        return new Result(found.Status == TenantStatus.Suspended ? Outcome.Suspended : Outcome.Valid, found.TenantId, keyId, found.Name);
    }
}
