namespace Platform.Domain.Storage;

/// <summary>
/// Content-addressed blob storage, namespaced per tenant so one tenant's deletes never touch another's bytes.
/// Writes go to a staging area first; <see cref="Commit"/> makes them addressable by SHA-256.
/// </summary>
public interface IArtifactStore
{
    Task<StagedObject> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken);
    /// <summary>Moves staged bytes to their address (dropping them if identical bytes are already there).</summary>
    void Commit(string tenantId, StagedObject staged);
    void Discard(StagedObject staged);
    Stream OpenRead(string tenantId, string sha256);
    /// <summary>Opens staged bytes, e.g. for validation before commit.</summary>
    Stream OpenStaged(StagedObject staged);
    void Delete(string tenantId, string sha256);
    /// <summary>Absolute path of committed bytes (for the training worker, which reads files directly).</summary>
    string ObjectPath(string tenantId, string sha256);
    /// <summary>Absolute path of a folder under the store root (created), e.g. "jobs/&lt;tenant&gt;/&lt;job&gt;".</summary>
    string Folder(string relativePath);
    /// <summary>The store-relative form of an absolute path inside the store, as kept in the database.</summary>
    string Relative(string absolutePath);
}
