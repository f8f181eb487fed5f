using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Data.Postgres;

/// <summary>
/// A PostgreSQL cluster in a folder of our own, run with Debian's binaries on a loopback port.
/// Used by `platform up` (data under the repo) and by tests (a temp folder per test run).
/// initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user.
/// </summary>
public sealed class LocalPostgresCluster(string dataDirectory, int port)
{
    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);
    public int Port { get; } = port;

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Include Error Detail=true";

    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public bool IsInitialised => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (IsInitialised) return;
        Directory.CreateDirectory(DataDirectory);
        await HandToServiceUserAsync(cancellationToken);
        await RunToolAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var socketDir = Path.Combine(DataDirectory, "socket");
        Directory.CreateDirectory(socketDir);
        await HandToServiceUserAsync(cancellationToken);
        var options = $"-p {Port} -k {socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"], cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(immediate: false, cancellationToken);

    /// <summary>Fast (clean) stop, or immediate (no checkpoint; for throwaway clusters whose data is deleted next).</summary>
    public Task StopAsync(bool immediate, CancellationToken cancellationToken) =>
        RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], cancellationToken);

    /// <summary>True when a server is running on this data folder (e.g. left by an earlier `up`).</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) return false;
        try { await RunToolAsync("pg_ctl", ["-D", DataDirectory, "status"], cancellationToken); return true; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Initialises the folder if needed and starts the server unless it already runs. True when this call started it.</summary>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        await InitialiseAsync(cancellationToken);
        if (await IsRunningAsync(cancellationToken)) return false;
        await StartAsync(cancellationToken);
        return true;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task HandToServiceUserAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot) return;
        await RunAsync("chown", ["-R", "postgres:postgres", DataDirectory], cancellationToken);
        await RunAsync("chmod", ["700", DataDirectory], cancellationToken);
    }

    private Task RunToolAsync(string tool, string[] args, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (install the 'postgresql' package).");
        var path = Path.Combine(bin, tool);
        return IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args], cancellationToken)
            : RunAsync(path, args, cancellationToken);
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
