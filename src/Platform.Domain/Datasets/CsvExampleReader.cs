using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Domain.Datasets;

/// <summary>
/// Reads CSV with a header naming <c>query</c> and <c>response</c> (and optionally <c>system</c>), RFC 4180 quoting,
/// and turns each row into the chat form <c>{"messages":[...]}</c>.
/// </summary>
internal static class CsvExampleReader
{
    public static async IAsyncEnumerable<RawExample> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var rows = ReadRecordsAsync(reader, cancellationToken).GetAsyncEnumerator(cancellationToken);
        Dictionary<string, int>? columns = null;
        while (true)
        {
            (long Line, List<string> Fields) row = default;
            string? error = null;
            try
            {
                if (!await rows.MoveNextAsync()) break;
                row = rows.Current;
            }
            catch (DecoderFallbackException) { error = "invalid UTF-8"; }
            if (error is not null || row.Fields is null) { yield return new RawExample(0, null, error ?? "unreadable CSV"); break; }

            if (columns is null)
            {
                columns = row.Fields.Select((name, i) => (name: name.Trim().ToLowerInvariant(), i)).ToDictionary(x => x.name, x => x.i);
                if (!columns.ContainsKey("query") || !columns.ContainsKey("response"))
                {
                    yield return new RawExample(row.Line, null, "CSV header must name the columns 'query' and 'response' (and optionally 'system')");
                    break;
                }
                continue;
            }
            if (row.Fields.Count != columns.Count)
            {
                yield return new RawExample(row.Line, null, $"expected {columns.Count} fields, found {row.Fields.Count}");
                continue;
            }
            yield return new RawExample(row.Line, ToChat(row.Fields, columns), null);
        }
        await rows.DisposeAsync();
    }

    private static JsonElement ToChat(List<string> fields, Dictionary<string, int> columns)
    {
        var messages = new JsonArray();
        if (columns.TryGetValue("system", out var s) && fields[s].Length > 0)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = fields[s] });
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = fields[columns["query"]] });
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = fields[columns["response"]] });
        return JsonSerializer.SerializeToElement(new JsonObject { ["messages"] = messages });
    }

    /// <summary>Records with the physical line each starts on; quoted fields may span lines.</summary>
    private static async IAsyncEnumerable<(long Line, List<string> Fields)> ReadRecordsAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        long line = 1;
        string? text;
        while ((text = await reader.ReadLineAsync(ct)) is not null)
        {
            var start = line++;
            if (text.Length == 0) continue;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; ; i++)
            {
                if (i == text.Length)
                {
                    if (!quoted) break;
                    var next = await reader.ReadLineAsync(ct);
                    if (next is null) break;
                    line++;
                    field.Append('\n');
                    text = next;
                    i = -1;
                    continue;
                }
                var c = text[i];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
