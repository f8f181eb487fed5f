using Orleans.Concurrency;

namespace Platform.Domain.Jobs;

/// <summary>
/// Hands queued jobs to workers as capacity frees, fairly across tenants (the tenant served longest ago goes first)
/// and never past a tenant's concurrent-job limit. One activation for the cluster; its state is rebuilt from Postgres.
/// </summary>
[Alias("Platform.IJobSchedulerGrain")]
public interface IJobSchedulerGrain : IGrainWithStringKey
{
    const string Key = "default";

    /// <summary>Something changed (a job queued or finished): look again.</summary>
    [Alias("Kick"), OneWay] Task Kick();
}
