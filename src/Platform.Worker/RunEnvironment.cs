using System.Text.Json;
using Platform.Training.Provenance;

namespace Platform.Worker;

/// <summary>
/// What a run's result depends on beyond the job's own settings: code, device, threads and the fingerprints of the
/// base weights, tokenizer and chat template. Written beside every checkpoint (environment.json); the checkpoint
/// manifest endpoint joins it with the job's record.
/// </summary>
public sealed record RunEnvironment(
    string CodeVersion, string TorchSharpVersion, string Device, int Threads, string BaseWeightsSha256, string TokenizerSha256,
    string ChatTemplateSha256)
{
    public const string FileName = BaseFingerprint.FileName;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static RunEnvironment Capture(WorkerDevice device, string baseWeightsSha256, string? tokenizerJsonPath) => new(
        ContentHashes.CodeVersion(),
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        device.Name, TorchSharp.torch.get_num_threads(), baseWeightsSha256, ContentHashes.Tokenizer(tokenizerJsonPath),
        ContentHashes.ChatTemplateFingerprint());

    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
    }

    public static RunEnvironment? ReadFrom(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<RunEnvironment>(File.ReadAllText(path), Json) : null;
    }
}
