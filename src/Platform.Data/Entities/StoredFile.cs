namespace Platform.Data.Entities;

public enum FileStatus { Uploaded, Processed, Error }

public enum DatasetKind { Chat, Preference, Prompt }

/// <summary>An uploaded file: metadata here, bytes in the content-addressed artifact store.</summary>
public sealed class StoredFile
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Filename { get; set; }
    public required string Purpose { get; set; }
    public long Bytes { get; set; }
    /// <summary>SHA-256 (hex) of the bytes as uploaded: the artifact store address.</summary>
    public required string Sha256 { get; set; }
    /// <summary>SHA-256 of the chat-form JSONL made from a JSON array or CSV upload; null when the upload was JSONL.</summary>
    public string? NormalizedSha256 { get; set; }
    public FileStatus Status { get; set; }
    public string? StatusDetails { get; set; }
    public DatasetKind? Kind { get; set; }
    public DatasetStats? Stats { get; set; }
    /// <summary>JSON array of {line, message} problems, capped; null when clean.</summary>
    public string? ErrorReport { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class DatasetStats
{
    public int Examples { get; set; }
    public long TotalTokens { get; set; }
    public int MaxTokens { get; set; }
    public int Duplicates { get; set; }
}
