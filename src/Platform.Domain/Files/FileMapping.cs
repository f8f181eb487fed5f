using System.Text.Json;
using Platform.Data.Entities;

namespace Platform.Domain.Files;

/// <summary>Between the files table and the records the API returns.</summary>
public static class FileMapping
{
    public static StoredFile ToEntity(string id, string tenantId, NewFile file, DateTimeOffset now)
    {
        var failed = file.TotalProblems > 0;
        return new StoredFile
        {
            Id = id, TenantId = tenantId, Filename = file.Filename, Purpose = file.Purpose,
            Bytes = file.Content.Length, Sha256 = file.Content.Sha256, NormalizedSha256 = file.Normalized?.Sha256,
            Status = failed ? FileStatus.Error : FileStatus.Processed,
            StatusDetails = failed ? Summarise(file) : null,
            Kind = file.Dataset is null ? null : Enum.Parse<DatasetKind>(file.Dataset.Kind, ignoreCase: true),
            Stats = file.Dataset is null ? null : new DatasetStats
            {
                Examples = file.Dataset.Examples, TotalTokens = file.Dataset.TotalTokens,
                MaxTokens = file.Dataset.MaxTokens, Duplicates = file.Dataset.Duplicates,
            },
            ErrorReport = failed ? JsonSerializer.Serialize(file.Problems) : null,
            CreatedAt = now,
        };
    }

    public static FileRecord ToRecord(StoredFile f) => new(
        f.Id, f.Filename, f.Purpose, f.Bytes, f.Status.ToString().ToLowerInvariant(), f.StatusDetails, f.CreatedAt,
        f.Stats is null || f.Kind is null ? null : new DatasetSummary(
            f.Kind.Value.ToString().ToLowerInvariant(), f.Stats.Examples, f.Stats.TotalTokens, f.Stats.MaxTokens, f.Stats.Duplicates),
        f.ErrorReport is null ? null : JsonSerializer.Deserialize<List<ValidationProblem>>(f.ErrorReport));

    private static string Summarise(NewFile file)
    {
        var shown = string.Join("; ", file.Problems.Take(3).Select(p => $"line {p.Line}: {p.Message}"));
        var more = file.TotalProblems > 3 ? $" (and {file.TotalProblems - 3} more)" : "";
        return $"{file.TotalProblems} problem(s) found: {shown}{more}";
    }
}
