namespace Platform.Inference.Engine;

/// <summary>A snapshot of one engine, refreshed after every step. <c>GeneratedTokens</c> counts every token sampled since start.</summary>
public sealed record EngineStats(
    int Running, int Waiting, int FreePages, int TotalPages, int PageSize, IReadOnlyList<string> ResidentAdapters, long Steps, long GeneratedTokens = 0)
{
    public static EngineStats Empty { get; } = new(0, 0, 0, 0, 0, [], 0);
}
