using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Domain.Models;
using Platform.Domain.Storage;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Queries;

namespace Platform.WebConsole.Downloads;

/// <summary>
/// GET /admin/models/{id}/adapter (any operator, any tenant's model) and /console/models/{id}/adapter (the tenant's own):
/// the adapter or checkpoint folder as .tar.gz, as GET /v1/models/{id}/adapter gives it to a tenant's key.
/// </summary>
public static class AdapterDownloads
{
    public static void MapConsoleDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/models/{modelId}/adapter", Download).RequireAuthorization(ConsoleRoles.OperatorPolicy).ExcludeFromDescription();
        app.MapGet("/console/models/{modelId}/adapter", Download).RequireAuthorization(ConsoleRoles.TenantPolicy).ExcludeFromDescription();
    }

    private static async Task<IResult> Download(string modelId, HttpContext http, ModelQueries models, IArtifactStore store)
    {
        var scope = ConsoleScope.From(ConsoleActor.From(http.User));
        var path = await models.FolderAsync(scope, modelId, http.RequestAborted);
        if (path is null) return Results.NotFound($"No such model: {modelId}");
        var folder = store.Folder(path);
        return Results.Stream(output => AdapterArchive.WriteAsync(folder, output, http.RequestAborted), "application/gzip", AdapterArchive.FileName(modelId));
    }
}
