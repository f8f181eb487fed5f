using Npgsql;

namespace Platform.Cli.Load;

/// <summary>Samples the jobs table during a load run: the most runs one tenant held at once.</summary>
internal sealed class LimitWatch
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _loop;
    private string _cs = "";

    public static LimitWatch RunAsync(string connectionString, CancellationToken ct)
    {
        var watch = new LimitWatch { _cs = connectionString };
        var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, watch._stop.Token);
        watch._loop = Task.Run(() => watch.SampleAsync(linked.Token), CancellationToken.None);
        return watch;
    }

    private async Task<int> SampleAsync(CancellationToken ct)
    {
        var max = 0;
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync(CancellationToken.None);
        while (!ct.IsCancellationRequested)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM fine_tuning_jobs WHERE status = 'running' " +
                "OR (status = 'queued' AND dispatched_at IS NOT NULL) GROUP BY tenant_id) x", conn);
            max = Math.Max(max, (int)(long)(await cmd.ExecuteScalarAsync(CancellationToken.None))!);
            try { await Task.Delay(100, ct); } catch (OperationCanceledException) { break; }
        }
        return max;
    }

    public async Task<(int MaxPerTenant, Dictionary<string, int> Statuses)> StopAsync(IReadOnlyList<string> jobIds)
    {
        await _stop.CancelAsync();
        var max = await _loop!;
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT status, count(*) FROM fine_tuning_jobs WHERE id = ANY($1) GROUP BY status", conn);
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        var statuses = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) statuses[reader.GetString(0)] = (int)reader.GetInt64(1);
        return (max, statuses);
    }
}
