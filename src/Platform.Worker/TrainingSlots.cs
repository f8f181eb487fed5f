using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>
/// This worker's training slots. A run holds a slot on a background task, so the bus message that started it is
/// acknowledged at once (RabbitMQ closes channels whose deliveries stay unacked past consumer_timeout; runs take
/// hours): the job grain's lease, not the message, records who runs what. On shutdown, runs checkpoint and hand back.
/// </summary>
public sealed partial class TrainingSlots(TrainingRunner runner, IOptions<WorkerOptions> options, ILogger<TrainingSlots> logger) : IHostedService
{
    private readonly SemaphoreSlim _free = new(Math.Max(1, options.Value.Slots));
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    public int Capacity => Math.Max(1, options.Value.Slots);
    public int Busy { get { lock (_gate) return _running.Count; } }

    /// <summary>Waits up to <paramref name="wait"/> for a free slot; false when none freed (let another worker take it).</summary>
    public Task<bool> TryReserveAsync(TimeSpan wait, CancellationToken cancellationToken) => _free.WaitAsync(wait, cancellationToken);

    public void Release() => _free.Release();

    /// <summary>Runs an accepted assignment on the reserved slot and frees it when the run ends.</summary>
    public void Start(IJobGrain job, RunAssignment run)
    {
        var task = Task.Run(async () =>
        {
            try { await runner.RunAsync(job, run, CancellationToken.None); }
            catch (Exception e) { LogCrashed(logger, e, run.JobId); }
            finally { _free.Release(); }
        });
        lock (_gate) _running.Add(task);
        task.ContinueWith(t => { lock (_gate) _running.Remove(t); }, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs see ApplicationStopping, save a checkpoint and return; wait for them within the host's stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_gate) running = [.. _running];
        await Task.WhenAll(running).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Training run for {JobId} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception e, string jobId);
}
