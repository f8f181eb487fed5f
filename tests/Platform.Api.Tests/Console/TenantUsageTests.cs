using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Jobs;
using Platform.Testing;
using Platform.WebConsole.Queries;

namespace Platform.Api.Tests.Console;

/// <summary>A tenant's usage as the console shows it, aggregated in Postgres from jobs, files and inference_usage.</summary>
public sealed class TenantUsageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Usage_totals_and_days_count_trained_tokens_training_time_storage_and_inference_tokens_of_that_tenant_only()
    {
        var services = new ServiceCollection().AddPlatformData(await TestPostgres.CreateMigratedDatabaseAsync(Ct)).BuildServiceProvider();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            foreach (var id in (string[])["ten_mine", "ten_other"]) db.Tenants.Add(new Tenant { Id = id, Name = id, CreatedAt = today.AddDays(-60) });
            FineTuningJob Job(string id, string tenant, DateTimeOffset started, TimeSpan ran, long tokens, string status = JobStatus.Succeeded) => new()
            {
                Id = id, TenantId = tenant, Model = "qwen3-tiny", TrainingFile = "file-x", Method = "supervised", Settings = "{}", Status = status,
                CreatedAt = started.AddMinutes(-1), StartedAt = started, FinishedAt = started + ran, TrainedTokens = tokens,
            };
            db.Jobs.AddRange(
                Job("ftjob-today", "ten_mine", today.AddHours(1), TimeSpan.FromSeconds(90), 1_000),
                Job("ftjob-yesterday", "ten_mine", today.AddDays(-1).AddHours(3), TimeSpan.FromSeconds(30), 400, JobStatus.Cancelled),
                Job("ftjob-old", "ten_mine", today.AddDays(-40), TimeSpan.FromSeconds(10), 50), // in the totals, before the window
                Job("ftjob-theirs", "ten_other", today.AddHours(2), TimeSpan.FromSeconds(1000), 99_999));
            db.Jobs.Add(new FineTuningJob // never started: no training time, no tokens
            {
                Id = "ftjob-queued", TenantId = "ten_mine", Model = "qwen3-tiny", TrainingFile = "file-x", Method = "supervised", Settings = "{}",
                Status = JobStatus.Queued, CreatedAt = today.AddHours(4),
            });
            db.Files.AddRange(
                new StoredFile { Id = "file-a", TenantId = "ten_mine", Filename = "a.jsonl", Purpose = "fine-tune", Sha256 = "a", Bytes = 3_000, CreatedAt = today },
                new StoredFile { Id = "file-b", TenantId = "ten_mine", Filename = "b.jsonl", Purpose = "fine-tune", Sha256 = "b", Bytes = 4_000, CreatedAt = today },
                new StoredFile { Id = "file-c", TenantId = "ten_other", Filename = "c.jsonl", Purpose = "fine-tune", Sha256 = "c", Bytes = 9_000, CreatedAt = today });
            InferenceUsage Call(string tenant, DateTimeOffset at, int prompt, int completion) =>
                new() { TenantId = tenant, Model = "qwen3-tiny", PromptTokens = prompt, CompletionTokens = completion, CreatedAt = at };
            db.InferenceUsage.AddRange(
                Call("ten_mine", today.AddMinutes(5), 10, 20), Call("ten_mine", today.AddHours(23), 1, 2),
                Call("ten_mine", today.AddDays(-3).AddHours(12), 100, 200), Call("ten_mine", today.AddDays(-30), 1_000, 0),
                Call("ten_other", today.AddMinutes(1), 5_000, 5_000));
            await db.SaveChangesAsync(Ct);
        }

        var usage = await new TenantQueries(dbFactory).UsageAsync("ten_mine", 14, Ct);

        Assert.Equal(1_450, usage.TrainedTokens);
        Assert.Equal(130, usage.TrainingSeconds, precision: 3);
        Assert.Equal(7_000, usage.StorageBytes);
        Assert.Equal(33 + 300 + 1_000, usage.InferenceTokens);
        Assert.Equal(14, usage.Days.Count);
        Assert.Equal(DateOnly.FromDateTime(today.UtcDateTime), usage.Days[^1].Day);
        Assert.Equal(DateOnly.FromDateTime(today.UtcDateTime.AddDays(-13)), usage.Days[0].Day);
        Assert.Equal((1_000L, 90.0, 33L), (usage.Days[^1].TrainedTokens, usage.Days[^1].TrainingSeconds, usage.Days[^1].InferenceTokens));
        Assert.Equal((400L, 30.0, 0L), (usage.Days[^2].TrainedTokens, usage.Days[^2].TrainingSeconds, usage.Days[^2].InferenceTokens));
        Assert.Equal(300, usage.Days[^4].InferenceTokens);
        Assert.Equal(1_400, usage.Days.Sum(d => d.TrainedTokens));
        Assert.Equal(333, usage.Days.Sum(d => d.InferenceTokens));
    }
}
