using Microsoft.EntityFrameworkCore;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Data;
using Platform.Domain.Files;
using Platform.Domain.Storage;
using Platform.Domain.Tenants;

namespace Platform.Api.Apis;

/// <summary>OpenAI-compatible /v1/files. Every lookup is scoped to the caller's tenant: others' ids are 404.</summary>
public static class FilesApi
{
    public static RouteGroupBuilder MapFilesApi(this RouteGroupBuilder v1)
    {
        var files = v1.MapGroup("/files").WithTags("Files");
        files.MapPost("/", FileUpload.HandleAsync).DisableAntiforgery();
        files.MapGet("/", List);
        files.MapGet("/{fileId}", Get);
        files.MapGet("/{fileId}/content", Content);
        files.MapDelete("/{fileId}", Delete);
        return files;
    }

    private static async Task<IResult> List(
        HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct,
        string? purpose = null, int? limit = null, string? after = null, string? order = null)
    {
        var caller = TenantCaller.From(http);
        var take = Math.Clamp(limit ?? 10000, 1, 10000);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Files.AsNoTracking().Where(f => f.TenantId == caller.TenantId);
        if (purpose is not null) query = query.Where(f => f.Purpose == purpose);
        var ascending = string.Equals(order, "asc", StringComparison.OrdinalIgnoreCase);
        if (after is not null)
        {
            var cursor = await query.Where(f => f.Id == after).Select(f => (DateTimeOffset?)f.CreatedAt).SingleOrDefaultAsync(ct);
            if (cursor is null) return ApiError.Invalid($"No such file: '{after}'", "after");
            query = ascending
                ? query.Where(f => f.CreatedAt > cursor || (f.CreatedAt == cursor && f.Id.CompareTo(after) > 0))
                : query.Where(f => f.CreatedAt < cursor || (f.CreatedAt == cursor && f.Id.CompareTo(after) < 0));
        }
        query = ascending ? query.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id) : query.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id);
        var rows = await query.Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).Select(r => FileObject.From(FileMapping.ToRecord(r))).ToList();
        return Results.Ok(new FileList(page, rows.Count > take, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    private static async Task<IResult> Get(string fileId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, CancellationToken ct)
    {
        var caller = TenantCaller.From(http);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.TenantId == caller.TenantId, ct);
        return row is null ? ApiError.NotFound("file", fileId, "file_id") : Results.Ok(FileObject.From(FileMapping.ToRecord(row)));
    }

    private static async Task<IResult> Content(
        string fileId, HttpContext http, IDbContextFactory<PlatformDbContext> dbFactory, IArtifactStore store, CancellationToken ct)
    {
        var caller = TenantCaller.From(http);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.TenantId == caller.TenantId, ct);
        if (row is null) return ApiError.NotFound("file", fileId, "file_id");
        return Results.Stream(store.OpenRead(caller.TenantId, row.Sha256), "application/octet-stream", row.Filename);
    }

    private static async Task<FileDeleted> Delete(string fileId, HttpContext http, IGrainFactory grains)
    {
        var deletion = await grains.GetGrain<ITenantGrain>(TenantCaller.From(http).TenantId).DeleteFile(fileId);
        return new FileDeleted(deletion.Id, deletion.Deleted);
    }
}
