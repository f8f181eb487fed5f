using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Platform.Cli.Commands;

/// <summary>
/// Builds and runs every test project (dotnet test over the solution) and ends with one line
/// "N passed, N failed" over all projects. A project that crashes or runs no test counts as a failure.
/// </summary>
internal sealed partial class TestCommand : ICommand
{
    public string Name => "test";
    public string Usage => "[--filter <dotnet test filter args>]";
    public string Summary => "build and run all tests; prints 'N passed, N failed'";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var extra = args.Get("filter");
        args.RejectUnknown();
        await LocalEnvironment.EnsurePostgresInstalledAsync(cancellationToken);

        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = LocalEnvironment.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["test", "--solution", "Platform.sln", "--no-progress"]) psi.ArgumentList.Add(a);
        if (extra is not null) foreach (var a in extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new CliException("could not start dotnet test");

        int succeeded = 0, failed = 0, errors = 0;
        var recap = new FailureRecap();
        async Task Pump(StreamReader reader, TextWriter echo)
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                echo.WriteLine(line);
                recap.Observe(line);
                var m = SummaryLine().Match(line);
                if (!m.Success) continue;
                var n = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                switch (m.Groups[1].Value)
                {
                    case "succeeded": succeeded = n; break;
                    case "failed": failed = n; break;
                    case "error": errors = n; break;
                }
            }
        }
        await Task.WhenAll(Pump(process.StandardOutput, Console.Out), Pump(process.StandardError, Console.Error));
        await process.WaitForExitAsync(cancellationToken);

        // A test host that crashed or ran nothing reports no failed tests; count it so the run cannot look green. A
        // summary that never came (a host killed mid-run) still leaves one "failed <test>" line per failure.
        failed = Math.Max(failed, recap.FailedTests);
        var totalFailed = failed + errors + ((process.ExitCode != 0 || succeeded == 0) && failed + errors == 0 ? 1 : 0);
        // The log of a long run is read from its tail: repeat every failure (test name and first lines of its
        // message) just above the count.
        recap.WriteTo(Console.Out);
        Console.WriteLine($"{succeeded} passed, {totalFailed} failed");
        return totalFailed == 0 ? 0 : 1;
    }

    [GeneratedRegex(@"^\s+(succeeded|failed|error):\s+(\d+)\s*$")]
    private static partial Regex SummaryLine();

}
