using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.WebConsole.Queries;

public sealed record FileRow(StoredFile File, string TenantName);

/// <summary>A validation problem at a line of the uploaded file.</summary>
public sealed record ValidationProblem(int? Line, string Message);

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

    /// <summary>The stored report: a JSON array of {line, message}.</summary>
    public static IReadOnlyList<ValidationProblem> Problems(StoredFile file)
    {
        if (string.IsNullOrEmpty(file.ErrorReport)) return [];
        using var doc = JsonDocument.Parse(file.ErrorReport);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) return [new ValidationProblem(null, file.ErrorReport)];
        return doc.RootElement.EnumerateArray().Select(e => new ValidationProblem(
            e.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : null,
            e.TryGetProperty("message", out var m) ? m.GetString() ?? "" : e.ToString())).ToList();
    }
}
