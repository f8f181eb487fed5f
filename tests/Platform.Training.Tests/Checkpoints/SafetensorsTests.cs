using System.Text;
using Platform.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Checkpoints;

public sealed class SafetensorsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("safetensors-");

    [Fact]
    public void Reads_a_file_written_byte_by_byte_from_the_format_description()
    {
        // {"w": F32 [2] = 1.0, -2.0; "h": BF16 [1] = 1.0 (0x3F80)}, header padded to a multiple of 8 with spaces
        var header = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}""";
        header += new string(' ', (8 - header.Length % 8) % 8);
        var path = Path.Combine(folder.FullName, "hand.safetensors");
        using (var file = File.Create(path))
        {
            file.Write(BitConverter.GetBytes((ulong)header.Length));
            file.Write(Encoding.ASCII.GetBytes(header));
            file.Write(BitConverter.GetBytes(1.0f));
            file.Write(BitConverter.GetBytes(-2.0f));
            file.Write([0x80, 0x3F]);
        }

        using var reader = SafetensorsReader.Open(path);
        using var w = reader.Read("w");
        using var h = reader.Read("h");

        Assert.Equal(new[] { 1.0f, -2.0f }, w.data<float>().ToArray());
        Assert.Equal(ScalarType.BFloat16, h.dtype);
        Assert.Equal(1.0f, h.to(ScalarType.Float32).item<float>());
        Assert.Equal("pt", reader.Metadata["format"]);
    }

    [Fact]
    public void Every_dtype_round_trips_bit_for_bit()
    {
        using var source = arange(-6, 6, ScalarType.Float64).reshape(3, 4) / 3;
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = source,
            ["f32"] = source.to(ScalarType.Float32),
            ["f16"] = source.to(ScalarType.Float16),
            ["bf16"] = source.to(ScalarType.BFloat16).t(), // not contiguous: the writer must cope
            ["i64"] = tensor(new[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = tensor(new[] { int.MinValue, 7 }),
            ["i16"] = tensor(new short[] { -300, 300 }),
            ["i8"] = tensor(new sbyte[] { -128, 127 }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 5),
        };
        var path = Path.Combine(folder.FullName, "all.safetensors");

        SafetensorsWriter.Save(path, tensors);
        using var reader = SafetensorsReader.Open(path);

        Assert.Equal(tensors.Keys.Order(), reader.Entries.Keys.Order());
        foreach (var (name, expected) in tensors)
        {
            using var actual = reader.Read(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.equal(actual).all().item<bool>(), name);
        }
        Assert.Equal(0, (new FileInfo(path).Length - 8 - reader.Entries.Values.Max(e => e.End)) % 8);
    }

    [Fact]
    public void Stores_floating_point_tensors_in_the_requested_dtype_and_leaves_integers_alone()
    {
        var path = Path.Combine(folder.FullName, "bf16.safetensors");
        using var weight = randn(4, 8);
        using var ids = tensor(new long[] { 1, 2 });

        SafetensorsWriter.Save(path, new Dictionary<string, Tensor> { ["w"] = weight, ["ids"] = ids }, dtype: ScalarType.BFloat16);
        using var reader = SafetensorsReader.Open(path);

        Assert.Equal("BF16", reader.Entries["w"].DType);
        Assert.Equal(64, reader.Entries["w"].End - reader.Entries["w"].Begin);
        Assert.Equal("I64", reader.Entries["ids"].DType);
        using var back = reader.Read("w", ScalarType.Float32);
        Assert.True(back.allclose(weight, rtol: 1e-2, atol: 1e-2));
        Assert.False(back.equal(weight).all().item<bool>()); // it really went through bf16
    }

    [Fact]
    public void Rejects_offsets_beyond_the_end_of_the_file()
    {
        var header = """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""";
        var path = Path.Combine(folder.FullName, "short.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.ASCII.GetBytes(header), .. new byte[8]]);

        Assert.Throws<InvalidDataException>(() => SafetensorsReader.Open(path));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
