using Platform.Domain.Files;
using Platform.Domain.Jobs;
using Platform.Domain.Webhooks;

namespace Platform.Domain.Tenants;

/// <summary>
/// One per tenant (key = tenant id): the single writer of the tenant's row, keys and files,
/// so rules such as the storage quota are checked and applied without races.
/// </summary>
[Alias("Platform.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<TenantInfo> Create(string name, TenantLimits limits);
    [Alias("SetSuspended")] Task<TenantInfo> SetSuspended(bool suspended);
    /// <summary>Changes the limits given (null fields keep their value).</summary>
    [Alias("UpdateLimits")] Task<TenantInfo> UpdateLimits(TenantLimits limits);
    [Alias("IssueApiKey")] Task<IssuedApiKey> IssueApiKey(string name);
    [Alias("RevokeApiKey")] Task<ApiKeyInfo> RevokeApiKey(string keyId);
    [Alias("AddFile")] Task<FileRecord> AddFile(NewFile file);
    [Alias("DeleteFile")] Task<FileDeletion> DeleteFile(string fileId);
    /// <summary>Checks the tenant's job limits, then creates the job through its own grain.</summary>
    [Alias("CreateJob")] Task<JobSnapshot> CreateJob(CreateJob request);
    [Alias("DeleteModel")] Task DeleteModel(string modelId);
    [Alias("CreateWebhook")] Task<WebhookInfo> CreateWebhook(WebhookChange request);
    [Alias("UpdateWebhook")] Task<WebhookInfo> UpdateWebhook(string webhookId, WebhookChange change);
    [Alias("DeleteWebhook")] Task DeleteWebhook(string webhookId);
    [Alias("RotateWebhookSecret")] Task<WebhookInfo> RotateWebhookSecret(string webhookId);
    [Alias("TestWebhook")] Task<string> TestWebhook(string webhookId);
    [Alias("RetryDelivery")] Task RetryDelivery(string webhookId, string deliveryId);
}
