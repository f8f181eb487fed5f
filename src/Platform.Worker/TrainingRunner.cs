using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;

namespace Platform.Worker;

/// <summary>
/// Runs one attempt of a job: training on its own thread, a heartbeat that carries the job's cancel/pause
/// directive back within a second or so, metrics forwarded at a bounded rate, and an outcome always reported
/// (unless the lease was lost or the worker is shutting down, in which case the next attempt resumes).
/// </summary>
public sealed partial class TrainingRunner(
    SftJobEngine engine, RlJobEngine rlEngine, IHostApplicationLifetime lifetime, IOptions<WorkerOptions> options, ILogger<TrainingRunner> logger)
{
    public async Task RunAsync(IJobGrain job, RunAssignment run, CancellationToken cancellationToken)
    {
        var o = options.Value;
        // The bus waits for its consumers when the host stops; the run must notice the shutdown itself.
        using var shutdownSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var shutdown = shutdownSource.Token;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var directive = RunDirective.Continue;
        var metrics = new MetricsForwarder(job, run.Attempt, o.MetricsInterval);

        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = Task.Run(async () =>
        {
            while (!heartbeatStop.IsCancellationRequested)
            {
                try { await Task.Delay(o.HeartbeatInterval, heartbeatStop.Token); } catch (OperationCanceledException) { break; }
                try
                {
                    var d = await job.Heartbeat(run.Attempt, o.WorkerId);
                    if (d != RunDirective.Continue && directive == RunDirective.Continue) { directive = d; await stop.CancelAsync(); }
                    await metrics.FlushIfDueAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException) { LogHeartbeatFailed(logger, e, run.JobId); }
            }
        });

        RunOutcome? outcome;
        var hooks = new SftJobHooks(
            OnStep: metrics.Add,
            OnCheckpoint: (step, folder, m) => job.RecordCheckpoint(run.Attempt, step, folder, m).GetAwaiter().GetResult(),
            SaveBeforeStop: () => directive == RunDirective.Pause || (shutdown.IsCancellationRequested && directive == RunDirective.Continue),
            OnNotice: notice => job.RecordNotice(run.Attempt, notice).GetAwaiter().GetResult());
        try
        {
            var result = await Task.Factory.StartNew(() => run.Settings.Method is "dpo" or "reinforcement"
                ? rlEngine.Run(run, hooks, stop.Token)
                : engine.Run(run, hooks, stop.Token), TaskCreationOptions.LongRunning);
            outcome = new RunOutcome(RunOutcome.Succeeded, result.AdapterFolder, result.TrainedTokens, result.FinalMetrics,
                Note: result.Note, PromotedStep: result.PromotedStep);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = directive switch
            {
                RunDirective.Cancel => new RunOutcome(RunOutcome.Cancelled),
                RunDirective.Pause => new RunOutcome(RunOutcome.Paused),
                _ => null, // lease lost or shutting down: the job's next attempt resumes from the last checkpoint
            };
        }
        catch (Exception e)
        {
            LogRunFailed(logger, e, run.JobId);
            outcome = new RunOutcome(RunOutcome.Failed, ErrorCode: TrainingFailure.Code(e), ErrorMessage: TrainingFailure.Describe(e));
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }

        await metrics.FlushAsync();
        if (outcome is not null) await job.Finish(run.Attempt, outcome);
        // Shutting down with the lease still ours: the checkpoint is saved, give the job back now rather than let the
        // lease lapse. (A lost lease is not ours to give back; the grain ignores a superseded attempt anyway.)
        else if (shutdown.IsCancellationRequested && directive == RunDirective.Continue)
            await job.HandBack(run.Attempt, o.WorkerId, "is shutting down");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat for {JobId} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception e, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training run for {JobId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception e, string jobId);
}
