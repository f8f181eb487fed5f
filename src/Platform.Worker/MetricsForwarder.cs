using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>Buffers per-step metrics from the training thread and sends them to the job at a bounded rate.</summary>
internal sealed class MetricsForwarder(IJobGrain job, int attempt, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private List<StepMetrics> _pending = [];
    private DateTime _lastFlush = DateTime.UtcNow;
    private StepMetrics? _lastSent;

    public void Add(StepMetrics m)
    {
        lock (_gate) _pending.Add(m);
    }

    public Task FlushIfDueAsync() => DateTime.UtcNow - _lastFlush >= interval ? FlushAsync() : Task.CompletedTask;

    /// <summary>
    /// Sends the newest step of the batch (plus any step carrying validation metrics or warnings), so a fast run yields about one
    /// event per interval while slow runs report every step.
    /// </summary>
    public async Task FlushAsync()
    {
        List<StepMetrics> batch;
        lock (_gate) { batch = _pending; _pending = []; }
        _lastFlush = DateTime.UtcNow;
        if (batch.Count == 0) return;
        var send = batch.Where((m, i) => i == batch.Count - 1 || m.Evaluated || m.Warnings is { Count: > 0 }).Where(m => m != _lastSent).ToList();
        try { await job.RecordMetrics(attempt, send); }
        catch
        {
            // The job's silo is unreachable for a moment (restarting): keep the steps for the next flush.
            lock (_gate) _pending.InsertRange(0, batch);
            throw;
        }
        _lastSent = send[^1];
    }
}
