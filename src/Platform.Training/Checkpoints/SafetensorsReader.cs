using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>One tensor's place in a safetensors file: byte range relative to the end of the header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads a .safetensors file (8-byte little-endian header length, JSON header, raw little-endian data) one tensor at a
/// time, so loading a model never holds more than one tensor beyond the model itself.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    private const int CopyBufferBytes = 1 << 20;
    private readonly FileStream stream;
    private readonly long dataStart;

    private SafetensorsReader(FileStream stream, IReadOnlyDictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        this.stream = stream;
        Entries = entries;
        Metadata = metadata;
        this.dataStart = dataStart;
    }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            var headerLength = BitConverter.ToInt64(lengthBytes);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
            if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > stream.Length)
                throw new InvalidDataException($"{path}: header length {headerLength} is not plausible");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var (entries, metadata) = ParseHeader(header, stream.Length - 8 - headerLength, path);
            return new SafetensorsReader(stream, entries, metadata, 8 + headerLength);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor onto the CPU, converted to <paramref name="dtype"/> when given.</summary>
    public Tensor Read(string name, ScalarType? dtype = null)
    {
        var entry = Entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"no tensor '{name}'");
        var tensor = empty(entry.Shape, SafetensorsDType.ToScalarType(entry.DType));
        if (tensor.NumberOfElements * tensor.ElementSize != entry.End - entry.Begin)
        {
            tensor.Dispose();
            throw new InvalidDataException($"'{name}': {entry.End - entry.Begin} bytes do not hold {entry.DType}{string.Join("x", entry.Shape)}");
        }
        stream.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
        if (tensor.NumberOfElements > 0) tensor.ReadBytesFromStream(stream, CopyBufferBytes);
        if (dtype is null || dtype == tensor.dtype) return tensor;
        using (tensor) return tensor.to(dtype.Value);
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength, string path)
    {
        using var json = JsonDocument.Parse(header);
        var entries = new Dictionary<string, SafetensorsEntry>();
        var metadata = new Dictionary<string, string>();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                continue;
            }
            var value = property.Value;
            var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            if (offsets.Length != 2) throw new InvalidDataException($"{path}: '{property.Name}' needs two data offsets");
            var entry = new SafetensorsEntry(property.Name, value.GetProperty("dtype").GetString()!,
                value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(), offsets[0], offsets[1]);
            if (entry.Begin < 0 || entry.Begin > entry.End || entry.End > dataLength)
                throw new InvalidDataException($"{path}: '{entry.Name}' has data offsets outside the file");
            entries[entry.Name] = entry;
        }
        return (entries, metadata);
    }

    public void Dispose() => stream.Dispose();
}
