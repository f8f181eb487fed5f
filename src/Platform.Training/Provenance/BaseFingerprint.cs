using System.Text.Json;

namespace Platform.Training.Provenance;

/// <summary>
/// The provenance record written beside every checkpoint and adapter (<c>environment.json</c>): here only the
/// fingerprint of the base weights the adapter was trained on (<see cref="ContentHashes.StateDict"/>), which a server
/// compares with the base it would apply the adapter to.
/// </summary>
public static class BaseFingerprint
{
    public const string FileName = "environment.json";

    /// <summary>The recorded base weights' SHA-256, or null when the folder has no record (an adapter from elsewhere).</summary>
    public static string? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("base_weights_sha256", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString() : null;
    }
}
