using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// Debian's `chromium` for the browser tests, installed with apt-get when missing (Playwright's own browser download
/// cannot work offline); Playwright launches it through ExecutablePath.
/// </summary>
public static class TestChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(ExecutablePath)) return ExecutablePath;
            if (await AptAsync(["install", "-y", "-q", "chromium"], cancellationToken) != 0)
            {
                await AptAsync(["update"], cancellationToken);
                if (await AptAsync(["install", "-y", "-q", "chromium"], cancellationToken) != 0)
                    throw new InvalidOperationException("apt-get install chromium failed; install Debian's chromium package and retry");
            }
            return ExecutablePath;
        }
        finally { Gate.Release(); }
    }

    private static async Task<int> AptAsync(string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("apt-get") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.StandardOutput.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken);
        await stderr;
        return p.ExitCode;
    }
}
