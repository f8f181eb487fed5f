using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Api.Inference;

/// <summary>Writes one billing row per completion request (also for requests the client abandoned midway).</summary>
public sealed partial class UsageRecorder(IDbContextFactory<PlatformDbContext> dbFactory, TimeProvider clock, ILogger<UsageRecorder> logger)
{
    public async Task RecordAsync(string tenantId, string model, int promptTokens, int completionTokens)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            db.InferenceUsage.Add(new InferenceUsage
            {
                TenantId = tenantId, Model = model, PromptTokens = promptTokens, CompletionTokens = completionTokens, CreatedAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogUsageNotRecorded(logger, e, tenantId, model);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage of tenant {TenantId} on {Model} was not recorded")]
    private static partial void LogUsageNotRecorded(ILogger logger, Exception exception, string tenantId, string model);
}
