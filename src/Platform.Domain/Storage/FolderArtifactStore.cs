using System.Buffers;
using System.Security.Cryptography;

namespace Platform.Domain.Storage;

/// <summary>The default store: a folder, <c>objects/&lt;tenant&gt;/&lt;aa&gt;/&lt;sha256&gt;</c> plus <c>staging/</c>.</summary>
public sealed class FolderArtifactStore(string root) : IArtifactStore
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task<StagedObject> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "staging")).FullName;
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N"));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        long length = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes) throw new ObjectTooLargeException(maxBytes);
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return new StagedObject(path, Convert.ToHexStringLower(sha.GetHashAndReset()), length);
    }

    public void Commit(string tenantId, StagedObject staged)
    {
        var target = PathOf(tenantId, staged.Sha256);
        if (File.Exists(target)) { File.Delete(staged.StagingPath); return; }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(staged.StagingPath, target, overwrite: true);
    }

    public void Discard(StagedObject staged) => File.Delete(staged.StagingPath);

    public Stream OpenRead(string tenantId, string sha256) =>
        new FileStream(PathOf(tenantId, sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public Stream OpenStaged(StagedObject staged) =>
        new FileStream(staged.StagingPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public void Delete(string tenantId, string sha256) => File.Delete(PathOf(tenantId, sha256));

    public string ObjectPath(string tenantId, string sha256) => PathOf(tenantId, sha256);

    public string Folder(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) throw new ArgumentException("path leaves the store", nameof(relativePath));
        return Directory.CreateDirectory(full).FullName;
    }

    public string Relative(string absolutePath) => Path.GetRelativePath(_root, absolutePath);

    private string PathOf(string tenantId, string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower)) throw new ArgumentException("not a SHA-256", nameof(sha256));
        if (tenantId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')) throw new ArgumentException("bad tenant id", nameof(tenantId));
        return Path.Combine(_root, "objects", tenantId, sha256[..2], sha256);
    }
}
