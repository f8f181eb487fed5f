using System.Diagnostics;
using static TorchSharp.torch;

namespace Platform.Training.Benchmarks;

/// <summary>fp32 n×n×n matmul GFLOP/s, median of 7 (as the peer script measures its peak), on the current thread count.</summary>
public static class MatmulPeak
{
    public static IReadOnlyDictionary<int, double> Measure(IReadOnlyList<int> sizes, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureInitialized();
        var peaks = new Dictionary<int, double>();
        foreach (var n in sizes)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (a, b) = (randn(n, n), randn(n, n));
            mm(a, b).Dispose();
            var times = new List<double>();
            for (var i = 0; i < 7; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                mm(a, b).Dispose();
                times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            peaks[n] = 2.0 * n * n * n / TrainBenchmark.Median(times) / 1e9;
        }
        return peaks;
    }
}
