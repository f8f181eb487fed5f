using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;
using Platform.WebConsole.Queries;

namespace Platform.Api.Tests.Console;

/// <summary>
/// The console's job list filters and pages in SQL: with 10,000 jobs its query and its server-rendered page take about
/// what they take with 10. Bound (medians over repeated runs, so a busy shared machine does not decide it): at most
/// twice the 10-job time plus 25 ms for the query and plus 50 ms for the page. Listing all rows would miss it by far:
/// 10,000 rows cost hundreds of milliseconds to load and seconds to render.
/// </summary>
public sealed partial class JobListScaleTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    private const int Runs = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_jobs_list_and_render_about_as_fast_as_ten()
    {
        var queries = server.Services.GetRequiredService<JobQueries>();
        var dbFactory = server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await SeedAsync(dbFactory, "ten_scale_small", 10);
        using var ops = await ConsoleHttp.SignInOperatorAsync(server.BaseAddress, OperatorServer.AdminEmail, OperatorServer.Password);
        var all = ConsoleScope.Operators;

        var query10 = await MedianAsync(() => queries.ListAsync(all, new JobFilter(), Ct));
        var page10 = await MedianAsync(() => PageAsync(ops, "/admin/jobs", rows: 10));

        await SeedAsync(dbFactory, "ten_scale_big", 9_990);
        var firstPage = await queries.ListAsync(all, new JobFilter(), Ct);
        Assert.Equal(10_000, firstPage.Total);
        Assert.Equal(25, firstPage.Rows.Count);
        Assert.Equal(400, firstPage.PageCount);
        var lastPage = await queries.ListAsync(all, new JobFilter(Page: 400), Ct);
        Assert.Equal(25, lastPage.Rows.Count);
        Assert.Empty(firstPage.Rows.Select(r => r.Id).Intersect(lastPage.Rows.Select(r => r.Id)));
        var failed = await queries.ListAsync(all, new JobFilter(Status: JobStatus.Failed), Ct);
        Assert.All(failed.Rows, r => Assert.Equal(JobStatus.Failed, r.Status));
        Assert.Equal(10, (await queries.ListAsync(all, new JobFilter(Tenant: "ten_scale_small"), Ct)).Total);

        var timings = new (string What, double Ms, double Bound)[]
        {
            ("query, page 1", await MedianAsync(() => queries.ListAsync(all, new JobFilter(), Ct)), 2 * query10 + 25),
            ("query, page 400 (last)", await MedianAsync(() => queries.ListAsync(all, new JobFilter(Page: 400), Ct)), 2 * query10 + 25),
            ("query, status=failed", await MedianAsync(() => queries.ListAsync(all, new JobFilter(Status: JobStatus.Failed), Ct)), 2 * query10 + 25),
            ("query, one tenant's 10", await MedianAsync(() => queries.ListAsync(all, new JobFilter(Tenant: "ten_scale_small"), Ct)), 2 * query10 + 25),
            ("page /admin/jobs", await MedianAsync(() => PageAsync(ops, "/admin/jobs", rows: 25)), 2 * page10 + 50),
            ("page /admin/jobs?page=400", await MedianAsync(() => PageAsync(ops, "/admin/jobs?page=400", rows: 25)), 2 * page10 + 50),
            ("page /admin/jobs?status=failed", await MedianAsync(() => PageAsync(ops, "/admin/jobs?status=failed", rows: 25)), 2 * page10 + 50),
        };
        TestContext.Current.SendDiagnosticMessage($"10 jobs: query {query10:0.0} ms, page {page10:0.0} ms; 10,000 jobs: "
            + string.Join("; ", timings.Select(t => $"{t.What} {t.Ms:0.0} ms (bound {t.Bound:0.0})")));
        Assert.All(timings, t => Assert.True(t.Ms <= t.Bound, $"{t.What}: {t.Ms:0.0} ms with 10,000 jobs, bound {t.Bound:0.0} ms"));
        Assert.Contains("Page 1 of 400 (10000 rows)", await ops.Client.GetStringAsync("/admin/jobs", Ct));
    }

    private static async Task PageAsync(ConsoleHttp session, string path, int rows)
    {
        using var response = await session.Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(rows, JobRow().Matches(await response.Content.ReadAsStringAsync(Ct)).Count);
    }

    /// <summary>Median wall time in milliseconds over <see cref="Runs"/> runs, after two warm-up runs.</summary>
    private static async Task<double> MedianAsync(Func<Task> run)
    {
        for (var i = 0; i < 2; i++) await run();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[Runs / 2];
    }

    /// <summary>A tenant with <paramref name="count"/> finished jobs (finished, so the scheduler leaves them alone) over the last 30 days.</summary>
    private static async Task SeedAsync(IDbContextFactory<PlatformDbContext> dbFactory, string tenantId, int count)
    {
        string[] statuses = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];
        var now = DateTimeOffset.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        db.Tenants.Add(new Tenant { Id = tenantId, Name = tenantId, CreatedAt = now.AddDays(-31), StorageQuotaBytes = 1 << 20 });
        for (var i = 0; i < count; i++)
        {
            var created = now.AddDays(-30).AddSeconds(i * 30 * 86_400.0 / count);
            db.Jobs.Add(new FineTuningJob
            {
                Id = $"ftjob-{tenantId[^5..]}{i:D6}", TenantId = tenantId, Model = i % 2 == 0 ? "qwen3-tiny" : "qwen3-0.6b", TrainingFile = "file-seeded",
                Method = "supervised", Settings = "{}", Status = statuses[i % 3], CreatedAt = created, FinishedAt = created.AddMinutes(5),
                TrainedTokens = 1000 + i, ErrorMessage = i % 3 == 1 ? "seeded failure" : null,
            });
        }
        await db.SaveChangesAsync(Ct);
    }

    [GeneratedRegex("<tr data-job=")]
    private static partial Regex JobRow();
}
