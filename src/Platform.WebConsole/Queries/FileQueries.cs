using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Files;

namespace Platform.WebConsole.Queries;

public sealed record FileRow(StoredFile File, string TenantName);

public sealed class FileQueries(IDbContextFactory<PlatformDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<ConsoleOptions> options)
{
    public async Task<Page<FileRow>> ListAsync(ConsoleScope scope, string? status, int page, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = scope.Filter(db.Files.AsNoTracking(), f => f.TenantId == scope.TenantId);
        if (Enum.TryParse<FileStatus>(status, ignoreCase: true, out var s)) files = files.Where(f => f.Status == s);
        var size = options.Value.PageSize;
        page = Math.Max(1, page);
        var total = await files.CountAsync(cancellationToken);
        var rows = await files.OrderByDescending(f => f.CreatedAt).ThenBy(f => f.Id).Skip((page - 1) * size).Take(size)
            .Join(db.Tenants, f => f.TenantId, t => t.Id, (f, t) => new FileRow(f, t.Name)).ToListAsync(cancellationToken);
        return new Page<FileRow>(rows, total, page, size);
    }

    public async Task<FileRow?> GetAsync(ConsoleScope scope, string fileId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await scope.Filter(db.Files.AsNoTracking(), f => f.TenantId == scope.TenantId).Where(f => f.Id == fileId)
            .Join(db.Tenants, f => f.TenantId, t => t.Id, (f, t) => new FileRow(f, t.Name)).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The stored report, as the upload's validation wrote it (line numbers are 1-based).</summary>
    public static IReadOnlyList<ValidationProblem> Problems(StoredFile file) =>
        string.IsNullOrEmpty(file.ErrorReport) ? [] : JsonSerializer.Deserialize<List<ValidationProblem>>(file.ErrorReport) ?? [];
}
