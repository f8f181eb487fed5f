namespace Platform.Domain.Inference;

/// <summary>
/// One inference silo's engines, reached from any silo: the grain's key is the silo's address, and its placement puts
/// the activation on that silo and nowhere else (a dead silo's grain is never re-created elsewhere).
/// </summary>
[Alias("Platform.IInferenceSiloGrain")]
public interface IInferenceSiloGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs one sequence. The first item says whether the engine admitted it (<see cref="InferenceChunkKind.Admitted"/>)
    /// or refused it (<see cref="InferenceChunkKind.Refused"/>, then nothing more); tokens follow. Cancelling, or
    /// disposing the enumerator, frees the sequence's slot at the engine's next step.
    /// </summary>
    [Alias("Generate")] IAsyncEnumerable<InferenceChunk> Generate(InferenceCall call, CancellationToken cancellationToken);
    /// <summary>Starts loading the adapter into this silo's engine for the base, if that engine is running.</summary>
    [Alias("Preload")] Task Preload(string baseModelId, string modelId, string adapterPath);
    [Alias("Unload")] Task Unload(string modelId);
}
