using System.Text.Json;

namespace Platform.Domain.Datasets;

/// <summary>One example read from an upload: where it starts (line or array item) and its JSON, or why it could not be read.</summary>
public readonly record struct RawExample(long Line, JsonElement? Json, string? Error, bool IsArrayItem = false)
{
    public string Where => IsArrayItem ? $"item {Line}" : $"line {Line}";
}
