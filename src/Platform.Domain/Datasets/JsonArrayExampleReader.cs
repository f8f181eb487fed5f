using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Platform.Domain.Datasets;

/// <summary>Reads a top-level JSON array of examples item by item (streamed, not loaded whole).</summary>
internal static class JsonArrayExampleReader
{
    public static async IAsyncEnumerable<RawExample> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        long index = 0;
        while (true)
        {
            string? error = null;
            bool more;
            try { more = await items.MoveNextAsync(); }
            catch (JsonException e)
            {
                more = false;
                error = $"invalid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message.Split(" Path:")[0].Split(" LineNumber")[0]}";
            }
            if (error is not null) { yield return new RawExample(index + 1, null, error, IsArrayItem: true); break; }
            if (!more) break;
            index++;
            yield return new RawExample(index, items.Current, null, IsArrayItem: true);
        }
        await items.DisposeAsync();
    }
}
