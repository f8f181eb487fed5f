namespace Platform.Domain.Workers;

/// <summary>What a training worker tells the cluster about itself, every announce interval.</summary>
[GenerateSerializer, Alias("Platform.WorkerAnnouncement")]
public sealed record WorkerAnnouncement(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] string Host,
    [property: Id(2)] string Device,
    [property: Id(3)] long DeviceMemoryBytes,
    [property: Id(4)] int Slots,
    [property: Id(5)] int SlotsInUse,
    [property: Id(6)] IReadOnlyList<string> BaseModels,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] bool Draining);

/// <summary>A worker as the directory last heard from it.</summary>
[GenerateSerializer, Alias("Platform.LiveWorker")]
public sealed record LiveWorker([property: Id(0)] WorkerAnnouncement Worker, [property: Id(1)] DateTimeOffset LastSeen);
