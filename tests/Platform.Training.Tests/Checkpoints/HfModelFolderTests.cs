using System.Text.Json.Nodes;
using Platform.Training.Checkpoints;
using Platform.Training.Tests.Qwen3;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Checkpoints;

public sealed class HfModelFolderTests : IDisposable
{
    private static readonly long[] Sequence = [3, 1, 4, 1, 5, 9, 2, 6];
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("hf-folder-");

    [Fact]
    public void A_single_file_folder_loads_back_to_identical_logits()
    {
        using var model = TestModels.Create().WithRandomNorms();
        HfModelFolder.Save(model, folder.FullName, cancellationToken: TestContext.Current.CancellationToken);

        using var loaded = HfModelFolder.Load(folder.FullName, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(folder.FullName, HfModelFolder.SingleFile)));
        Assert.False(File.Exists(Path.Combine(folder.FullName, HfModelFolder.IndexFile)));
        AssertSameLogits(model, loaded, 0);
    }

    [Fact]
    public void A_sharded_tied_folder_lists_every_key_in_its_index_and_loads_back()
    {
        using var model = TestModels.Create(TestModels.SmallTied).WithRandomNorms();
        HfModelFolder.Save(model, folder.FullName, maxShardBytes: 20_000, cancellationToken: TestContext.Current.CancellationToken);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.FullName, HfModelFolder.IndexFile)))!;
        var weightMap = index["weight_map"]!.AsObject();
        using var loaded = HfModelFolder.Load(folder.FullName, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(HfModelFolder.WeightFiles(folder.FullName).Count >= 3);
        Assert.Equal(model.CheckpointStateDict().Keys.Order(), weightMap.Select(kv => kv.Key).Order());
        Assert.DoesNotContain("lm_head.weight", weightMap.Select(kv => kv.Key));
        Assert.Equal(model.CheckpointStateDict().Values.Sum(t => t.NumberOfElements * 4), index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.Equal(loaded.Model.EmbedTokens.Weight.Handle, loaded.LmHeadLinear.weight.Handle);
        AssertSameLogits(model, loaded, 0);
    }

    [Fact]
    public void A_bf16_folder_loads_in_fp32_and_an_fp32_folder_in_bf16()
    {
        using var model = TestModels.Create().WithRandomNorms();
        HfModelFolder.Save(model, folder.FullName, dtype: ScalarType.BFloat16, cancellationToken: TestContext.Current.CancellationToken);

        using var fromBf16 = HfModelFolder.Load(folder.FullName, ScalarType.Float32, cancellationToken: TestContext.Current.CancellationToken);
        using var asBf16 = HfModelFolder.Load(folder.FullName, ScalarType.BFloat16, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("\"torch_dtype\": \"bfloat16\"", File.ReadAllText(Path.Combine(folder.FullName, HfModelFolder.ConfigFile)));
        Assert.Equal(ScalarType.Float32, fromBf16.Model.EmbedTokens.Weight.dtype);
        Assert.Equal(ScalarType.BFloat16, asBf16.Model.EmbedTokens.Weight.dtype);
        AssertSameLogits(model, fromBf16, 0.15);
    }

    [Fact]
    public void A_folder_missing_a_weight_is_refused()
    {
        using var model = TestModels.Create();
        HfModelFolder.Save(model, folder.FullName, maxShardBytes: 20_000, cancellationToken: TestContext.Current.CancellationToken);
        File.Delete(HfModelFolder.WeightFiles(folder.FullName)[^1]);
        var index = Path.Combine(folder.FullName, HfModelFolder.IndexFile);
        var json = JsonNode.Parse(File.ReadAllText(index))!;
        var last = json["weight_map"]!.AsObject().Last().Value!.GetValue<string>();
        foreach (var key in json["weight_map"]!.AsObject().Where(kv => kv.Value!.GetValue<string>() == last).Select(kv => kv.Key).ToList())
            json["weight_map"]!.AsObject().Remove(key);
        File.WriteAllText(index, json.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => HfModelFolder.Load(folder.FullName, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("missing", error.Message);
    }

    private static void AssertSameLogits(Platform.Training.Qwen3.Qwen3ForCausalLM expected, Platform.Training.Qwen3.Qwen3ForCausalLM actual, double tolerance)
    {
        using var _ = no_grad();
        using var a = expected.forward(TestModels.Tokens(Sequence));
        using var b = actual.forward(TestModels.Tokens(Sequence));
        Qwen3ForwardTests.AssertClose(a, b, tolerance);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
