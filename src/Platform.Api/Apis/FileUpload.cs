using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Hosting;
using Platform.Domain.Datasets;
using Platform.Domain.Files;
using Platform.Domain.Storage;
using Platform.Domain.Tenants;

namespace Platform.Api.Apis;

/// <summary>
/// POST /v1/files. The multipart body is read as a stream: the file part goes straight to the artifact store's
/// staging area (hashed on the way), is validated from there, and only then offered to the tenant grain.
/// </summary>
internal static class FileUpload
{
    private static readonly string[] Purposes = ["fine-tune"];

    public static async Task<IResult> HandleAsync(
        HttpContext http, IArtifactStore store, DatasetValidator validator, IGrainFactory grains, IOptions<FilesOptions> options)
    {
        var ct = http.RequestAborted;
        var max = options.Value.MaxUploadBytes;
        if (http.Request.ContentLength > max + 64 * 1024) return TooLarge(max);
        var bodyLimit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodyLimit is { IsReadOnly: false }) bodyLimit.MaxRequestBodySize = max + 64 * 1024;

        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(http.Request.ContentType ?? "").Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return ApiError.Invalid("Expected a multipart/form-data body with 'file' and 'purpose'", "file");

        string? purpose = null, filename = null;
        StagedObject? staged = null;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null) continue;
                var name = disposition.Name.Value;
                if (name == "purpose") purpose = (await new StreamReader(section.Body).ReadToEndAsync(ct)).Trim();
                else if (name == "file" && staged is null)
                {
                    filename = Path.GetFileName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "upload.jsonl");
                    staged = await store.StageAsync(section.Body, max, ct);
                }
            }
            if (staged is null) return ApiError.Invalid("Missing 'file' part", "file");
            if (purpose is null || !Purposes.Contains(purpose))
            {
                store.Discard(staged);
                return ApiError.Invalid($"'purpose' must be one of: {string.Join(", ", Purposes)}", "purpose");
            }

            var outcome = await validator.ValidateAsync(staged, filename!, ct);
            var record = await grains.GetGrain<ITenantGrain>(TenantCaller.From(http).TenantId).AddFile(new NewFile(
                filename!, purpose, staged, outcome.Normalized, outcome.Dataset, outcome.Problems, outcome.TotalProblems));
            staged = null;
            return Results.Ok(FileObject.From(record));
        }
        catch (ObjectTooLargeException) { return TooLarge(max); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(max); }
        finally
        {
            if (staged is not null && File.Exists(staged.StagingPath)) store.Discard(staged);
        }
    }

    private static IResult TooLarge(long max) => ApiError.Result(StatusCodes.Status413PayloadTooLarge,
        $"File exceeds the maximum upload size of {max} bytes.", "invalid_request_error", "file_too_large", "file");
}
