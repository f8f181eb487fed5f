using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>Writes .safetensors files as the reference implementation does (header padded with spaces to 8 bytes).</summary>
public static class SafetensorsWriter
{
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>
    /// Writes <paramref name="tensors"/> in name order. Each is copied to the CPU (and made contiguous) only while it is
    /// written, so saving needs memory for one tensor at a time. With <paramref name="dtype"/>, floating-point tensors are
    /// stored in that type (e.g. bf16 for a model trained in fp32); integer and bool tensors keep theirs.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, ScalarType? dtype = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        ScalarType Stored(Tensor t) => StoredType(t, dtype);
        var header = Header(names, tensors, Stored, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferBytes))
        {
            stream.Write(BitConverter.GetBytes((long)header.Length));
            stream.Write(header);
            foreach (var name in names)
            {
                using var scope = NewDisposeScope();
                var tensor = tensors[name].detach().cpu().to(Stored(tensors[name])).contiguous();
                if (tensor.NumberOfElements > 0) tensor.WriteBytesToStream(stream, CopyBufferBytes);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The dtype <see cref="Save"/> stores <paramref name="tensor"/> in when asked for <paramref name="dtype"/>.</summary>
    public static ScalarType StoredType(Tensor tensor, ScalarType? dtype) =>
        dtype is { } requested && tensor.is_floating_point() ? requested : tensor.dtype;

    /// <summary>Bytes <paramref name="tensor"/> takes in the file when saved with <paramref name="dtype"/>.</summary>
    public static long StoredBytes(Tensor tensor, ScalarType? dtype) => tensor.NumberOfElements * ElementBytes(StoredType(tensor, dtype));

    private static long ElementBytes(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"{dtype} cannot be stored in safetensors here"),
    };

    private static byte[] Header(string[] names, IReadOnlyDictionary<string, Tensor> tensors, Func<Tensor, ScalarType> stored,
        IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var name in names)
            {
                var tensor = tensors[name];
                var type = stored(tensor);
                var bytes = tensor.NumberOfElements * ElementBytes(type);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.ToName(type));
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var padding = (8 - buffer.Length % 8) % 8;
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', (int)padding)));
        return buffer.ToArray();
    }
}
