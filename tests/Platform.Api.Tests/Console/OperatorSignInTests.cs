using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Api.Tests.Support;
using Platform.Data;
using Platform.Testing;
using Platform.WebConsole;
using Platform.WebConsole.Auth;
using static Platform.WebConsole.Auth.OperatorAccounts;

namespace Platform.Api.Tests.Console;

/// <summary>Operator password sign-in against Postgres: lockout after repeated failures, its expiry, and what resets the count.</summary>
public sealed class OperatorSignInTests
{
    private const string Password = "correct horse battery";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(OperatorAccounts Accounts, ManualClock Clock, IDbContextFactory<PlatformDbContext> Db)> AccountsAsync(string email)
    {
        var services = new ServiceCollection().AddPlatformData(await TestPostgres.CreateMigratedDatabaseAsync(Ct)).BuildServiceProvider();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            await AddOrUpdateAsync(db, email, ConsoleRoles.Admin, Password, clock.GetUtcNow(), Ct);
        var options = Options.Create(new ConsoleOptions { MaxFailedSignIns = 3, LockoutDuration = TimeSpan.FromMinutes(15) });
        return (new OperatorAccounts(dbFactory, options, clock), clock, dbFactory);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_password_until_the_lockout_ends()
    {
        var (accounts, clock, _) = await AccountsAsync("ops@example.com");
        Assert.Equal(Outcome.WrongCredentials, (await accounts.SignInAsync("ops@example.com", "nope 1", Ct)).Outcome);
        Assert.Equal(Outcome.WrongCredentials, (await accounts.SignInAsync("ops@example.com", "nope 2", Ct)).Outcome);
        Assert.Equal(Outcome.LockedOut, (await accounts.SignInAsync("OPS@example.com ", "nope 3", Ct)).Outcome); // same account, any spelling

        Assert.Equal(Outcome.LockedOut, (await accounts.SignInAsync("ops@example.com", Password, Ct)).Outcome);
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(Outcome.LockedOut, (await accounts.SignInAsync("ops@example.com", Password, Ct)).Outcome);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var signedIn = await accounts.SignInAsync("ops@example.com", Password, Ct);
        Assert.Equal(Outcome.SignedIn, signedIn.Outcome);
        Assert.Equal(ConsoleRoles.Admin, signedIn.User!.Role);
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_count_and_add_user_clears_a_lockout()
    {
        var (accounts, _, dbFactory) = await AccountsAsync("ops@example.com");
        await accounts.SignInAsync("ops@example.com", "nope 1", Ct);
        await accounts.SignInAsync("ops@example.com", "nope 2", Ct);
        Assert.Equal(Outcome.SignedIn, (await accounts.SignInAsync("ops@example.com", Password, Ct)).Outcome);
        // Two more failures after a success do not lock: the count started again.
        await accounts.SignInAsync("ops@example.com", "nope 3", Ct);
        Assert.Equal(Outcome.WrongCredentials, (await accounts.SignInAsync("ops@example.com", "nope 4", Ct)).Outcome);
        Assert.Equal(Outcome.LockedOut, (await accounts.SignInAsync("ops@example.com", "nope 5", Ct)).Outcome);

        // `platform admin add-user` for the same email sets a new password and lifts the lockout.
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            await AddOrUpdateAsync(db, "ops@example.com", ConsoleRoles.Viewer, "a new long password", DateTimeOffset.UtcNow, Ct);
        Assert.Equal(Outcome.WrongCredentials, (await accounts.SignInAsync("ops@example.com", Password, Ct)).Outcome);
        var signedIn = await accounts.SignInAsync("ops@example.com", "a new long password", Ct);
        Assert.Equal(Outcome.SignedIn, signedIn.Outcome);
        Assert.Equal(ConsoleRoles.Viewer, signedIn.User!.Role);
    }

    [Fact]
    public async Task An_unknown_email_is_refused_like_a_wrong_password()
    {
        var (accounts, _, _) = await AccountsAsync("ops@example.com");
        Assert.Equal(Outcome.WrongCredentials, (await accounts.SignInAsync("nobody@example.com", Password, Ct)).Outcome);
    }
}
