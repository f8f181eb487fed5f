using System.Text.RegularExpressions;

namespace Platform.Cli.Commands;

/// <summary>
/// Collects, from a dotnet test log, each failed test's line and the first lines after it (the assertion message and
/// the top of the stack), plus any test-host crash line, so the end of a long run can repeat them in one place.
/// </summary>
internal sealed partial class FailureRecap
{
    private const int LinesPerFailure = 12;
    private readonly List<List<string>> _failures = [];
    private List<string>? _open;
    private readonly Lock _gate = new();

    /// <summary>Per-test failure lines seen ("failed Namespace.Class.Test (1s 2ms)"), host crashes not counted.</summary>
    public int FailedTests { get; private set; }

    public void Observe(string line)
    {
        lock (_gate)
        {
            var failedTest = FailedTest().IsMatch(line);
            if (failedTest) FailedTests++;
            if (failedTest || HostCrash().IsMatch(line))
            {
                _open = [line];
                _failures.Add(_open);
                return;
            }
            if (_open is null) return;
            if (_open.Count >= LinesPerFailure || line.Length == 0 || PassedTest().IsMatch(line)) { _open = null; return; }
            _open.Add(line.Length > 300 ? line[..300] + "…" : line);
        }
    }

    public void WriteTo(TextWriter writer)
    {
        lock (_gate)
        {
            if (_failures.Count == 0) return;
            writer.WriteLine();
            writer.WriteLine($"==== {_failures.Count} failure(s) in this run ====");
            foreach (var failure in _failures)
            {
                foreach (var l in failure) writer.WriteLine(l);
                writer.WriteLine("----");
            }
        }
    }

    [GeneratedRegex(@"^failed \S+.* \(\d")]
    private static partial Regex FailedTest();

    [GeneratedRegex(@"^passed \S+.* \(\d")]
    private static partial Regex PassedTest();

    [GeneratedRegex(@"\[FATAL ERROR\]|Test host process exited|failed with exit code|crashed", RegexOptions.IgnoreCase)]
    private static partial Regex HostCrash();
}
