using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Platform.Data.Postgres;

namespace Platform.Testing;

/// <summary>
/// A throwaway RabbitMQ node from Debian's package: its own data folder, node name and loopback ports, run as the
/// `rabbitmq` user, started on first use and stopped when the test process exits. Installs the package if missing.
/// </summary>
public static class TestRabbitMq
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Node? _node;

    public sealed class Node(string name, int port, int epmdPort, int distPort, string directory, Process process)
    {
        public string Name { get; } = name;
        public int Port { get; } = port;
        public int EpmdPort { get; } = epmdPort;
        public int DistPort { get; } = distPort;
        public string Directory { get; } = directory;
        public Process Process { get; internal set; } = process;
        public string Host => "127.0.0.1";
    }

    /// <summary>The node this test process shares (one vhost per test class).</summary>
    public static async Task<Node> NodeAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try { return _node ??= await StartNodeAsync(cancellationToken); }
        finally { Gate.Release(); }
    }

    /// <summary>A node of the caller's own (a test that stops and restarts its broker must not take others' with it).</summary>
    public static async Task<Node> StartNodeAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N")[..8];
        var dir = Path.Combine(Path.GetTempPath(), "platform-test-rmq-" + id);
        Directory.CreateDirectory(dir);
        var port = LocalPostgresCluster.FreeLoopbackPort();
        await File.WriteAllTextAsync(Path.Combine(dir, "rabbitmq.conf"), $"listeners.tcp.default = 127.0.0.1:{port}\nloopback_users = none\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "enabled_plugins"), "[].\n", cancellationToken);
        await Run("chown", ["-R", "rabbitmq:rabbitmq", dir], cancellationToken);
        // Each node gets its own Erlang port mapper, so test processes running side by side never share (or kill) one.
        var node = new Node($"t{id}@localhost", port, LocalPostgresCluster.FreeLoopbackPort(), LocalPostgresCluster.FreeLoopbackPort(), dir, null!);
        node = await LaunchAsync(node, cancellationToken);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(node);
        return node;
    }

    /// <summary>Stops the node (as an operator would, `rabbitmqctl stop`) and starts it again on the same data and ports.</summary>
    public static async Task RestartAsync(Node node, TimeSpan downtime, CancellationToken cancellationToken)
    {
        await CtlAsync(node, ["stop"], cancellationToken);
        await node.Process.WaitForExitAsync(cancellationToken);
        await Task.Delay(downtime, cancellationToken);
        var restarted = await LaunchAsync(node, cancellationToken);
        node.Process = restarted.Process;
    }

    private static async Task<Node> LaunchAsync(Node node, CancellationToken cancellationToken)
    {
        var dir = node.Directory;
        var psi = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-u", "rabbitmq", "--", "env",
                     $"RABBITMQ_NODENAME={node.Name}", $"RABBITMQ_MNESIA_BASE={dir}/mnesia", $"RABBITMQ_LOG_BASE={dir}/log",
                     $"RABBITMQ_CONFIG_FILE={dir}/rabbitmq", $"RABBITMQ_ENABLED_PLUGINS_FILE={dir}/enabled_plugins",
                     $"RABBITMQ_DIST_PORT={node.DistPort}", $"RABBITMQ_PID_FILE={dir}/pid", $"ERL_EPMD_PORT={node.EpmdPort}",
                     "rabbitmq-server"])
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start rabbitmq-server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Generous: on a loaded 2-core machine a restart (quorum queues recovering) took over a minute.
        await WaitForPortAsync(node.Port, process, TimeSpan.FromSeconds(180), cancellationToken);
        // The AMQP port opens before the boot is marked complete; until then rabbitmqctl refuses commands such as
        // add_vhost ("requires the 'rabbit' app to be running", seen in a full run).
        await CtlAsync(node, ["await_startup"], cancellationToken);
        node.Process = process;
        return node;
    }

    /// <summary>A fresh virtual host on the node (guest may use it), so test classes sharing the node do not see each other's queues.</summary>
    public static async Task<string> NewVirtualHostAsync(Node node, CancellationToken cancellationToken)
    {
        var vhost = "t-" + Guid.NewGuid().ToString("N")[..8];
        await CtlAsync(node, ["-q", "add_vhost", vhost], cancellationToken);
        await CtlAsync(node, ["-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], cancellationToken);
        return vhost;
    }

    /// <summary>rabbitmqctl against this node (through its own port mapper).</summary>
    public static async Task<string> CtlAsync(Node node, string[] args, CancellationToken cancellationToken, bool throwOnError = true) =>
        (await RunForOutput("runuser", ["-u", "rabbitmq", "--", "env", $"ERL_EPMD_PORT={node.EpmdPort}", "rabbitmqctl", "-n", node.Name, .. args],
            cancellationToken, throwOnError)).Output;

    private static async Task WaitForPortAsync(int port, Process process, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"rabbitmq-server exited with {process.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                return;
            }
            catch (SocketException) { await Task.Delay(250, ct); }
        }
        throw new TimeoutException("RabbitMQ did not accept connections in time");
    }

    /// <summary>
    /// At process exit: kill the node outright (its data is thrown away). Not `rabbitmqctl stop`: under load that took
    /// over 10 s, and xunit reports a test process that has not exited 11 s after its last test as a failure.
    /// </summary>
    private static void Stop(Node node)
    {
        try { if (!node.Process.HasExited) node.Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        try { Run("pkill", ["-9", "-u", "rabbitmq", "-f", $"-sname {node.Name.Split('@')[0]}|{node.Name}"], CancellationToken.None, throwOnError: false).Wait(TimeSpan.FromSeconds(3)); } catch (Exception) { }
        // The Erlang port mapper the node started lingers as a daemon; it served only this node (its own port).
        try { Run("epmd", ["-port", node.EpmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], CancellationToken.None, throwOnError: false).Wait(TimeSpan.FromSeconds(3)); } catch (Exception) { }
        try { Directory.Delete(node.Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task EnsureInstalledAsync(CancellationToken ct)
    {
        if (File.Exists("/usr/sbin/rabbitmq-server")) return;
        if (await Run("apt-get", ["install", "-y", "-q", "rabbitmq-server"], ct, throwOnError: false) == 0) return;
        await Run("apt-get", ["update"], ct);
        await Run("apt-get", ["install", "-y", "-q", "rabbitmq-server"], ct);
    }

    private static async Task<int> Run(string file, string[] args, CancellationToken ct, bool throwOnError = true) =>
        (await RunForOutput(file, args, ct, throwOnError)).ExitCode;

    private static async Task<(int ExitCode, string Output)> RunForOutput(string file, string[] args, CancellationToken ct, bool throwOnError)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var output = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (throwOnError && p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {await stderr}");
        return (p.ExitCode, output);
    }
}
