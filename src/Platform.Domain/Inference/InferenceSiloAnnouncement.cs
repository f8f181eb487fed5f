namespace Platform.Domain.Inference;

/// <summary>What an inference silo tells the cluster about itself, every announce interval.</summary>
[GenerateSerializer, Alias("Platform.InferenceSiloAnnouncement")]
public sealed record InferenceSiloAnnouncement(
    [property: Id(0)] string SiloId,
    [property: Id(1)] string Host,
    [property: Id(2)] int ProcessId,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] IReadOnlyList<InferenceBaseStatus> Bases,
    [property: Id(5)] long Requests,
    [property: Id(6)] bool Draining);

/// <summary>
/// One base model a silo offers: configured (it can load it) and whether its engine is running, with the adapters
/// resident in that engine, its running and waiting sequences and the tokens per second it generated since the last announcement.
/// </summary>
[GenerateSerializer, Alias("Platform.InferenceBaseStatus")]
public sealed record InferenceBaseStatus(
    [property: Id(0)] string BaseModelId,
    [property: Id(1)] bool Loaded,
    [property: Id(2)] IReadOnlyList<string> ResidentAdapters,
    [property: Id(3)] int Running,
    [property: Id(4)] int Waiting,
    [property: Id(5)] double TokensPerSecond);

/// <summary>An inference silo as the directory last heard from it.</summary>
[GenerateSerializer, Alias("Platform.LiveInferenceSilo")]
public sealed record LiveInferenceSilo([property: Id(0)] InferenceSiloAnnouncement Silo, [property: Id(1)] DateTimeOffset LastSeen);
