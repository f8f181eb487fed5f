using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.WebConsole.Auth;

namespace Platform.Cli.Commands;

/// <summary>
/// `platform admin add-user &lt;email&gt; --role admin|viewer`: creates a console operator (or resets the password and
/// role of an existing one). The password is prompted for without echo, or read from stdin with --password-stdin.
/// </summary>
internal sealed class AdminCommand : ICommand
{
    public string Name => "admin";
    public string Usage => "add-user <email> --role <admin|viewer> [--password-stdin] [--connection <connection string>]";
    public string Summary => "create a web-console operator (admin or viewer) in the database";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var positionals = args.Positionals;
        if (positionals.Count != 2 || positionals[0] != "add-user") throw new CliException("expected: admin add-user <email>");
        var email = positionals[1];
        var role = args.Require("role");
        if (!ConsoleRoles.IsOperatorRole(role)) throw new CliException("--role must be admin or viewer");
        var fromStdin = args.Flag("password-stdin");
        var connection = args.Get("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Platform");
        args.RejectUnknown();

        var password = fromStdin ? (await StdIn.ReadAllAsync(cancellationToken)).TrimEnd('\r', '\n') : Prompt();
        if (password.Length < 8) throw new CliException("the password must be at least 8 characters");

        if (connection is not null) return await AddAsync(connection, email, role, password, cancellationToken);
        await LocalEnvironment.EnsurePostgresInstalledAsync(cancellationToken);
        var pg = LocalEnvironment.Postgres;
        var started = await pg.EnsureRunningAsync(cancellationToken);
        try { return await AddAsync(pg.ConnectionString(LocalEnvironment.Database), email, role, password, cancellationToken); }
        finally { if (started) await pg.StopAsync(CancellationToken.None); }
    }

    private static async Task<int> AddAsync(string connection, string email, string role, string password, CancellationToken cancellationToken)
    {
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<PlatformDbContext>(), connection).Options;
        await using var db = new PlatformDbContext((DbContextOptions<PlatformDbContext>)options);
        bool created;
        try { created = await OperatorAccounts.AddOrUpdateAsync(db, email, role, password, DateTimeOffset.UtcNow, cancellationToken); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        Console.WriteLine($"{(created ? "Created" : "Updated")} console {role} {email.Trim().ToLowerInvariant()}; sign in at /admin");
        return 0;
    }

    private static string Prompt()
    {
        if (Console.IsInputRedirected) throw new CliException("no terminal to prompt on: pipe the password with --password-stdin");
        var first = ReadHidden("Password: ");
        if (ReadHidden("Repeat password: ") != first) throw new CliException("the passwords differ");
        return first;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Write(prompt);
        var chars = new List<char>();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else if (!char.IsControl(key.KeyChar)) chars.Add(key.KeyChar);
        }
        Console.WriteLine();
        return new string(chars.ToArray());
    }
}
