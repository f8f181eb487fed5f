using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Cli.Load;

/// <summary>Times every API call of a load run and reports percentiles per call kind.</summary>
internal sealed class LatencyRecorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _samples = new();

    public async Task<HttpResponseMessage> TimeAsync(string kind, Func<Task<HttpResponseMessage>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await call();
        _samples.GetOrAdd(kind, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    public IEnumerable<string> Report()
    {
        foreach (var (kind, bag) in _samples.OrderBy(k => k.Key))
        {
            var sorted = bag.Order().ToArray();
            yield return $"  {kind,-14} n={sorted.Length,5}  p50={Percentile(sorted, 0.50),7:F1} ms  p95={Percentile(sorted, 0.95),7:F1} ms  p99={Percentile(sorted, 0.99),7:F1} ms  max={sorted[^1],7:F1} ms";
        }
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
