using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Qwen3;

/// <summary>The module tree against the key list derived from HF's modeling_qwen3.py (Fixtures/hf_state_dict_keys.py).</summary>
public sealed class Qwen3ArchitectureTests
{
    [Theory]
    [InlineData("qwen3-0.6b")]
    [InlineData("qwen3-8b")]
    public void Official_configs_build_every_hf_key_with_its_shape(string name)
    {
        var config = Qwen3Config.FromFile(Fixture($"{name}.config.json"));
        var expected = File.ReadAllLines(Fixture($"{name}.keys.txt")).Order(StringComparer.Ordinal).ToArray();

        using var model = new Qwen3ForCausalLM(config, Qwen3Parameters.Meta(ScalarType.BFloat16));
        var actual = model.state_dict()
            .Select(kv => $"{kv.Key}\t[{string.Join(",", kv.Value.shape)}]")
            .Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, actual);
        Assert.All(model.state_dict().Values, t => Assert.Equal(DeviceType.META, t.device_type));
    }

    [Fact]
    public void Official_0_6b_config_reads_as_published()
    {
        var config = Qwen3Config.FromFile(Fixture("qwen3-0.6b.config.json"));

        Assert.Equal((1024, 28, 16, 8, 128, 3072), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads,
            config.KeyValueHeads, config.HeadDimension, config.IntermediateSize));
        Assert.Equal(1_000_000, config.RopeBase);
        Assert.Equal(1e-6, config.RmsNormEps);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal([151645], config.EosTokenId!);
        Assert.Equal("bfloat16", config.TorchDtype);
    }

    [Fact]
    public void Config_round_trips_through_json_with_snake_case_names()
    {
        var json = Qwen3Presets.Tiny.ToJson();

        Assert.Contains("\"num_key_value_heads\": 2", json);
        Assert.Equal(Qwen3Presets.Tiny.HiddenSize, Qwen3Config.FromJson(json).HiddenSize);
        Assert.Equal(Qwen3Presets.Tiny.EosTokenId, Qwen3Config.FromJson(json).EosTokenId);
    }

    [Fact]
    public void Rope_parameters_of_newer_configs_and_unsupported_scaling_are_told_apart()
    {
        var v5 = Qwen3Config.FromJson("""{"rope_parameters": {"rope_type": "default", "rope_theta": 5000.0}, "eos_token_id": [1, 2]}""");
        Assert.Equal(5000, v5.RopeBase);
        Assert.Equal([1, 2], v5.EosTokenId!);
        Assert.Throws<NotSupportedException>(() => Qwen3Config.FromJson("""{"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}"""));
    }

    [Fact]
    public void Presets_have_the_real_vocabulary_and_the_bench_shape_of_the_peer()
    {
        var bench = Qwen3Presets.Get("qwen3-bench");
        var peer = Qwen3Config.FromFile(Fixture("qwen3-bench-small.json"));

        Assert.Equal(151936, Qwen3Presets.Get("qwen3-tiny").VocabSize);
        Assert.Equal((peer.HiddenSize, peer.IntermediateSize, peer.NumHiddenLayers, peer.NumAttentionHeads, peer.KeyValueHeads,
                peer.HeadDimension, peer.TieWordEmbeddings, peer.RopeBase),
            (bench.HiddenSize, bench.IntermediateSize, bench.NumHiddenLayers, bench.NumAttentionHeads, bench.KeyValueHeads,
                bench.HeadDimension, bench.TieWordEmbeddings, bench.RopeBase));
    }

    internal static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Qwen3", "Fixtures", file);
}
