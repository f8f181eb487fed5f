using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Platform.Domain.Datasets;

/// <summary>Reads JSON Lines one line at a time, checking UTF-8 per line; never holds more than one line.</summary>
internal static class JsonlExampleReader
{
    public static async IAsyncEnumerable<RawExample> ReadAsync(Stream stream, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        long lineNumber = 1;
        var overlong = false;
        int read;
        while (true)
        {
            read = await stream.ReadAsync(buffer, cancellationToken);
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                Append(line, buffer, start, i - start, maxLineBytes, ref overlong);
                if (Parse(line, lineNumber, overlong) is { } example) yield return example;
                line.SetLength(0);
                overlong = false;
                lineNumber++;
                start = i + 1;
            }
            if (read == 0) break;
            Append(line, buffer, start, read - start, maxLineBytes, ref overlong);
        }
        if (Parse(line, lineNumber, overlong) is { } last) yield return last;
    }

    private static void Append(MemoryStream line, byte[] buffer, int start, int count, int max, ref bool overlong)
    {
        if (overlong || line.Length + count > max) { overlong = true; return; }
        line.Write(buffer, start, count);
    }

    private static RawExample? Parse(MemoryStream line, long number, bool overlong)
    {
        if (overlong) return new RawExample(number, null, "line is longer than the maximum example size");
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (number == 1 && bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        if (bytes.Trim(" \t\r"u8).IsEmpty) return null;
        if (!Utf8.IsValid(bytes)) return new RawExample(number, null, "invalid UTF-8");
        try
        {
            using var doc = JsonDocument.Parse(bytes.ToArray());
            return new RawExample(number, doc.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return new RawExample(number, null, $"invalid JSON: {e.Message.Split(" LineNumber")[0]}");
        }
    }
}
