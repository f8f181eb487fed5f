using System.Diagnostics;
using Platform.Data.Postgres;

namespace Platform.Cli;

/// <summary>Where `platform up` keeps its state: a git-ignored .data folder at the repo root.</summary>
internal static class LocalEnvironment
{
    public static string Root => Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? Directory.GetCurrentDirectory();
    public static string DataDirectory => Path.Combine(Root, ".data");
    public static int PostgresPort => int.TryParse(Environment.GetEnvironmentVariable("PLATFORM_PG_PORT"), out var p) ? p : 55432;
    public static LocalPostgresCluster Postgres => new(Path.Combine(DataDirectory, "pg"), PostgresPort);
    public const string Database = "platform";

    /// <summary>Installs Debian's PostgreSQL server when its binaries are absent.</summary>
    public static async Task EnsurePostgresInstalledAsync(CancellationToken cancellationToken)
    {
        if (LocalPostgresCluster.FindBinDirectory() is not null) return;
        Console.WriteLine("PostgreSQL server not found: installing Debian's 'postgresql' package…");
        if (await AptInstallAsync(cancellationToken) == 0) return;
        await RunAsync("apt-get", ["update"], cancellationToken);
        if (await AptInstallAsync(cancellationToken) != 0)
            throw new CliException("could not install PostgreSQL (apt-get install postgresql failed); install it and retry");
    }

    private static Task<int> AptInstallAsync(CancellationToken ct) =>
        RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], ct);

    public static async Task<int> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory ?? Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(psi) ?? throw new CliException($"could not start {file}");
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}
