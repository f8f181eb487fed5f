namespace Platform.Inference.Engine;

/// <summary>A snapshot of one engine, refreshed after every step.</summary>
public sealed record EngineStats(int Running, int Waiting, int FreePages, int TotalPages, int PageSize, IReadOnlyList<string> ResidentAdapters, long Steps)
{
    public static EngineStats Empty { get; } = new(0, 0, 0, 0, 0, [], 0);
}
