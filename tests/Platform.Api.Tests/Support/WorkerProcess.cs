using System.Diagnostics;
using Platform.Data.Postgres;

namespace Platform.Api.Tests.Support;

/// <summary>
/// A worker (or inference) silo in its own OS process: the Platform.Api executable built beside the tests, run with
/// <c>Roles=worker</c> (or the settings' <c>Roles</c>) and the cluster's settings, so it can be killed like a real machine failing.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private WorkerProcess(Process process) => _process = process;

    /// <summary>The process's last lines of output (stdout and stderr), for a failing test's message.</summary>
    public string OutputTail => string.Join('\n', _output);

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > KeptLines) _output.TryDequeue(out _);
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> clusterSettings)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "Platform.Api");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        var settings = new Dictionary<string, string?>(clusterSettings)
        {
            ["Roles"] = clusterSettings.GetValueOrDefault("Roles") ?? "worker",
            ["Cluster:SiloPort"] = LocalPostgresCluster.FreeLoopbackPort().ToString(),
            ["Cluster:GatewayPort"] = LocalPostgresCluster.FreeLoopbackPort().ToString(),
            ["urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings) psi.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker process");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: no checkpoint, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the graceful path; returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        return watch.Elapsed;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        // Gracefully, so the silo leaves the cluster at once: a killed silo keeps its grains' calls failing until the
        // membership declares it dead, and the next test's grains could be placed on it meanwhile.
        if (!_process.HasExited)
        {
            try { await TerminateAsync(TimeSpan.FromSeconds(20)); }
            catch (OperationCanceledException) { }
        }
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
