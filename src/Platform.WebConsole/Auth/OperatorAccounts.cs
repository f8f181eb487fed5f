using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.WebConsole.Auth;

/// <summary>Operator accounts: creation (`platform admin add-user`) and password sign-in with lockout.</summary>
public sealed class OperatorAccounts(IDbContextFactory<PlatformDbContext> dbFactory, IOptions<ConsoleOptions> options, TimeProvider clock)
{
    private static readonly PasswordHasher<ConsoleUser> Hasher = new();

    public enum Outcome { SignedIn, WrongCredentials, LockedOut }

    public sealed record SignInResult(Outcome Outcome, ConsoleUser? User = null);

    /// <summary>Creates the user, or sets a new password and role when the email exists. Returns true when created.</summary>
    public static async Task<bool> AddOrUpdateAsync(PlatformDbContext db, string email, string role, string password, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ConsoleRoles.IsOperatorRole(role)) throw new ArgumentException($"role must be '{ConsoleRoles.Admin}' or '{ConsoleRoles.Viewer}'", nameof(role));
        if (password.Length < 8) throw new ArgumentException("password must be at least 8 characters", nameof(password));
        var normalized = email.Trim().ToLowerInvariant();
        if (!normalized.Contains('@')) throw new ArgumentException("email must contain '@'", nameof(email));
        var user = await db.ConsoleUsers.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var created = user is null;
        user ??= db.ConsoleUsers.Add(new ConsoleUser { Email = normalized, Role = role, PasswordHash = "", CreatedAt = now }).Entity;
        user.Role = role;
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.ConsoleUsers.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(new ConsoleUser { Email = "", Role = "", PasswordHash = "" }, DummyHash, password); // same cost either way
            return new SignInResult(Outcome.WrongCredentials);
        }
        var now = clock.GetUtcNow();
        if (user.LockedUntil > now) return new SignInResult(Outcome.LockedOut);

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= options.Value.MaxFailedSignIns)
            {
                user.LockedUntil = now + options.Value.LockoutDuration;
                user.FailedSignIns = 0;
            }
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(user.LockedUntil > now ? Outcome.LockedOut : Outcome.WrongCredentials);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(Outcome.SignedIn, user);
    }

    private static readonly string DummyHash = Hasher.HashPassword(new ConsoleUser { Email = "", Role = "", PasswordHash = "" }, Guid.NewGuid().ToString());
}
