using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Jobs;

public sealed class TenantFairnessTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    [Fact]
    public async Task Two_tenants_submitting_at_once_share_capacity_and_each_stays_within_its_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = await server.NewTenantAsync(maxConcurrentJobs: 1);
        var b = await server.NewTenantAsync(maxConcurrentJobs: 1);
        using var clientA = server.Client(a.Key);
        using var clientB = server.Client(b.Key);
        var fileA = await JobCalls.UploadSampleAsync(clientA);
        var fileB = await JobCalls.UploadSampleAsync(clientB);

        // Each tenant submits three jobs at the same time; capacity is two runs.
        var submissions = Enumerable.Range(0, 3).SelectMany(_ => new[]
        {
            JobCalls.CreateAsync(clientA, fileA, epochs: 2, batchSize: 3),
            JobCalls.CreateAsync(clientB, fileB, epochs: 2, batchSize: 3),
        });
        var ids = (await Task.WhenAll(submissions)).Select(j => j.GetProperty("id").GetString()!).ToList();

        var maxRunning = new Dictionary<string, int> { [a.TenantId] = 0, [b.TenantId] = 0 };
        var bothRanTogether = false;
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(ct);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT tenant_id, count(*) FILTER (WHERE status = 'running' OR (status = 'queued' AND dispatched_at IS NOT NULL)), " +
                "count(*) FILTER (WHERE status IN ('succeeded','failed','cancelled')) FROM fine_tuning_jobs WHERE id = ANY($1) GROUP BY tenant_id", conn);
            cmd.Parameters.AddWithValue(ids.ToArray());
            var running = new Dictionary<string, long>();
            long finished = 0;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                {
                    running[reader.GetString(0)] = reader.GetInt64(1);
                    finished += reader.GetInt64(2);
                }
            foreach (var (tenant, n) in running) maxRunning[tenant] = Math.Max(maxRunning[tenant], (int)n);
            if (running.GetValueOrDefault(a.TenantId) > 0 && running.GetValueOrDefault(b.TenantId) > 0) bothRanTogether = true;
            if (finished == ids.Count) break;
            await Task.Delay(100, ct);
        }

        Assert.Equal(1, maxRunning[a.TenantId]);
        Assert.Equal(1, maxRunning[b.TenantId]);
        Assert.True(bothRanTogether, "the second tenant should get the free slot rather than wait behind the first");
        for (var i = 0; i < ids.Count; i++) // submissions alternate: tenant A, tenant B, …
            Assert.Equal("succeeded", (await JobCalls.GetAsync(i % 2 == 0 ? clientA : clientB, ids[i])).GetProperty("status").GetString());
    }
}
