using Platform.Domain.Files;

namespace Platform.Domain.Tenants;

/// <summary>
/// One per tenant (key = tenant id): the single writer of the tenant's row, keys and files,
/// so rules such as the storage quota are checked and applied without races.
/// </summary>
[Alias("Platform.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<TenantInfo> Create(string name, long storageQuotaBytes);
    [Alias("SetSuspended")] Task<TenantInfo> SetSuspended(bool suspended);
    [Alias("IssueApiKey")] Task<IssuedApiKey> IssueApiKey(string name);
    [Alias("RevokeApiKey")] Task<ApiKeyInfo> RevokeApiKey(string keyId);
    [Alias("AddFile")] Task<FileRecord> AddFile(NewFile file);
    [Alias("DeleteFile")] Task<FileDeletion> DeleteFile(string fileId);
}
