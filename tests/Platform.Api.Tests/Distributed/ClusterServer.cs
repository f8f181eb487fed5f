using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Distributed;

/// <summary>
/// An API silo in the test process (<c>Roles=api</c>), worker silos as separate processes (<c>Roles=worker</c>, the
/// same executable `./platform serve` runs), RabbitMQ and Postgres for real, ADO.NET clustering on Postgres.
/// </summary>
public class ClusterServer : RabbitMqServer
{
    private readonly List<WorkerProcess> _workers = [];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string ClusterId { get; } = "cluster-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Worker processes started with the fixture (tests may start more themselves).</summary>
    protected virtual int InitialWorkers => 0;

    public IReadOnlyList<WorkerProcess> Workers => _workers;

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Roles"] = "api";
        s["Cluster:Clustering"] = "adonet";
        s["Cluster:AdvertisedIPAddress"] = "127.0.0.1";
        s["Scheduler:LeaseTimeout"] = "00:00:04";
        s["Cluster:ClusterId"] = ClusterId;
        s["Workers:AnnounceInterval"] = "00:00:01";
        s["Workers:LivenessWindow"] = "00:00:04";
        s["InferenceSilos:AnnounceInterval"] = "00:00:01";
        s["InferenceSilos:LivenessWindow"] = "00:00:08";  // generous: a starved test machine delays announcements
        s["Cluster:Membership:NumMissedTableIAmAliveLimit"] = "3";  // only changes when Orleans logs a warning; proves the binding
        return s;
    }

    /// <summary>Settings a worker process needs to join this cluster.</summary>
    public Dictionary<string, string?> WorkerSettings() => new()
    {
        ["ConnectionStrings:Platform"] = ConnectionString, ["Storage:Root"] = StorageRoot,
        ["Cluster:Clustering"] = "adonet", ["Cluster:ClusterId"] = ClusterId, ["Cluster:AdvertisedIPAddress"] = "127.0.0.1",
        ["Messaging:Transport"] = "rabbitmq", ["Messaging:Host"] = Broker.Host, ["Messaging:Port"] = Broker.Port.ToString(), ["Messaging:VirtualHost"] = VirtualHost,
        ["Worker:Slots"] = "1", ["Worker:HeartbeatInterval"] = "00:00:00.300", ["Worker:MetricsInterval"] = "00:00:00.200",
        ["Worker:AcceptRetries"] = "1", ["Worker:AcceptRetryInterval"] = "00:00:01", ["Worker:SlotWait"] = "00:00:02",
        ["Workers:AnnounceInterval"] = "00:00:01", ["Workers:LivenessWindow"] = "00:00:04",
        ["Scheduler:LeaseTimeout"] = "00:00:04", ["Scheduler:SweepInterval"] = "00:00:00.500", ["Logging:LogLevel:Default"] = "Warning",
        ["InferenceSilos:AnnounceInterval"] = "00:00:01", ["InferenceSilos:LivenessWindow"] = "00:00:08",
    };

    /// <summary>A worker process joined to this cluster; stopped with the fixture if the test does not stop it.</summary>
    public WorkerProcess StartWorker()
    {
        var worker = WorkerProcess.Start(WorkerSettings());
        _workers.Add(worker);
        return worker;
    }

    /// <summary>An inference silo process (<c>Roles=inference</c>, or e.g. "inference,worker") joined to this cluster.</summary>
    public WorkerProcess StartInference(string roles = "inference")
    {
        var settings = WorkerSettings();
        settings["Roles"] = roles;
        var process = WorkerProcess.Start(settings);
        _workers.Add(process);
        return process;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        for (var i = 0; i < InitialWorkers; i++) StartWorker();
        if (InitialWorkers > 0) await ActiveSilosAsync(1 + InitialWorkers);
    }

    protected override async ValueTask BeforeDisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
    }

    /// <summary>
    /// Waits until at least (or, with <paramref name="exactly"/>, exactly: a killed silo declared dead) this many silos
    /// are Active in the membership table, and a little longer, for gossip. Until a killed silo is declared dead,
    /// calls to grains it hosted fail.
    /// </summary>
    public async Task ActiveSilosAsync(int count, bool exactly = false)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var active = await ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3", ClusterId);
            if (exactly ? active == count : active >= count)
            {
                await Task.Delay(2000, Ct);
                return;
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"{count} silos did not become active");
    }

    /// <summary>The OS process id of the worker holding the job ("&lt;machine&gt;-&lt;pid&gt;-&lt;suffix&gt;").</summary>
    public async Task<int> WorkerPidAsync(string jobId) =>
        int.Parse((await ScalarAsync<string>("SELECT worker_id FROM fine_tuning_jobs WHERE id = $1", jobId)).Split('-')[^2]);

    public Task<int> AttemptAsync(string jobId) => ScalarAsync<int>("SELECT attempt FROM fine_tuning_jobs WHERE id = $1", jobId);

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (T)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
