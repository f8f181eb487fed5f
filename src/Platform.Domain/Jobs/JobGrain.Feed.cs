using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Domain.Jobs;

// Live updates for the console: every event the grain writes is published to the job's feed once the save that
// wrote it has committed (EF's SavedChanges), so watchers never see an event that was rolled back.
public sealed partial class JobGrain
{
    private readonly List<JobFeedEvent> _unpublished = [];
    private PlatformDbContext? _feedContext;
    private FineTuningJob? _feedJob;

    private void QueueForFeed(PlatformDbContext db, FineTuningJob job, JobEvent e)
    {
        if (!ReferenceEquals(_feedContext, db))
        {
            _unpublished.Clear(); // left over from a context whose save failed
            _feedContext = db;
            db.SavedChanges += (_, _) => PublishToFeed();
        }
        _feedJob = job;
        _unpublished.Add(JobFeedEvent.From(e));
    }

    private void PublishToFeed()
    {
        if (_unpublished.Count == 0 || _feedJob is null) return;
        var update = new JobFeedUpdate(JobId, _feedJob.Status, _unpublished.ToList());
        _unpublished.Clear();
        grains.GetGrain<IJobFeedGrain>(JobId).Publish(update).Ignore();
    }
}
