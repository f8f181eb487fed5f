using Platform.Domain.Files;

namespace Platform.Api.Apis;

/// <summary>OpenAI's file object, plus our <c>dataset</c> stats and <c>validation_errors</c> report.</summary>
public sealed record FileObject(
    string Id, long Bytes, long CreatedAt, string Filename, string Purpose, string Status, string? StatusDetails,
    DatasetSummary? Dataset, IReadOnlyList<ValidationProblem>? ValidationErrors, long? ExpiresAt = null, string Object = "file")
{
    public static FileObject From(FileRecord f) => new(
        f.Id, f.Bytes, f.CreatedAt.ToUnixTimeSeconds(), f.Filename, f.Purpose, f.Status, f.StatusDetails, f.Dataset, f.Problems);
}

public sealed record FileList(IReadOnlyList<FileObject> Data, bool HasMore, string? FirstId, string? LastId, string Object = "list");

public sealed record FileDeleted(string Id, bool Deleted, string Object = "file");
