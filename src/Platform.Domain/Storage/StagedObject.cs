namespace Platform.Domain.Storage;

/// <summary>Bytes written to the store's staging area, not yet addressable.</summary>
[GenerateSerializer, Immutable, Alias("Platform.StagedObject")]
public sealed record StagedObject(
    [property: Id(0)] string StagingPath,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long Length);

public sealed class ObjectTooLargeException(long limit) : Exception($"Upload exceeds the {limit}-byte limit")
{
    public long Limit { get; } = limit;
}
