using System.Text.Json.Nodes;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Lora;

public sealed class LoraAdapterTests : IDisposable
{
    private static readonly long[] Sequence = [3, 14, 15, 92, 65, 35, 89, 79];
    private static readonly LoraConfig AllLinear = new() { Rank = 4, Alpha = 8 };
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("lora-");

    [Fact]
    public void A_fresh_adapter_leaves_the_logits_exactly_as_the_base_model()
    {
        using var model = TestModels.Create().WithRandomNorms();
        using var before = Logits(model);

        var adapter = LoraAdapter.Apply(model, AllLinear, seed: 1);
        using var after = Logits(model);

        Assert.True(before.equal(after).all().item<bool>());
        Assert.All(adapter.Layers.Values, l => Assert.True(l.A.abs().sum().item<float>() > 0)); // only B is zero
    }

    [Fact]
    public void All_linear_wraps_the_seven_projections_of_every_layer_but_not_the_head_and_freezes_the_base()
    {
        using var model = TestModels.Create();

        var adapter = LoraAdapter.Apply(model, AllLinear);

        Assert.Equal(7 * model.Config.NumHiddenLayers, adapter.Layers.Count);
        Assert.Contains("model.layers.1.mlp.down_proj", adapter.Layers.Keys);
        Assert.Contains("model.layers.0.self_attn.q_proj.base_layer.weight", model.state_dict().Keys);
        Assert.DoesNotContain(adapter.Layers.Keys, k => k.Contains("lm_head"));
        var trainable = model.parameters().Where(p => p.requires_grad).Select(p => p.Handle).ToHashSet();
        Assert.Equal(adapter.TrainableParameters().Select(p => p.Handle).ToHashSet(), trainable);
    }

    [Fact]
    public void Named_targets_match_whole_name_parts_only()
    {
        using var model = TestModels.Create();

        var adapter = LoraAdapter.Apply(model, AllLinear with { TargetModules = ["q_proj", "v_proj"] });

        Assert.Equal(["q_proj", "v_proj"], adapter.Layers.Keys.Select(k => k.Split('.')[^1]).Distinct().Order());
        Assert.Throws<ArgumentException>(() => LoraAdapter.Apply(TestModels.Create(), AllLinear with { TargetModules = ["proj"] }));
    }

    [Theory]
    [InlineData(false, 2.0)]  // alpha / r = 8 / 4
    [InlineData(true, 4.0)]   // rsLoRA: alpha / sqrt(r) = 8 / 2
    public void The_update_is_b_times_a_times_the_scaling(bool rsLora, double scaling)
    {
        using var model = TestModels.Create();
        var layer = LoraAdapter.Apply(model, AllLinear with { UseRsLora = rsLora }).Layers["model.layers.0.mlp.up_proj"];
        RandomizeB(layer, 2);
        using var x = randn(3, model.Config.HiddenSize);
        using var _ = no_grad();

        using var expected = x.matmul(layer.BaseLayer.weight.t()) + x.matmul(layer.A.t()).matmul(layer.B.t()) * scaling;
        using var actual = layer.forward(x);

        Assert.Equal(scaling, layer.Scaling);
        Qwen3ForwardTests.AssertClose(expected, actual, 1e-5);
    }

    [Fact]
    public void A_is_kaiming_uniform_with_a_sqrt5_and_reproducible_per_seed()
    {
        using var m1 = TestModels.Create();
        using var m2 = TestModels.Create();
        var a1 = LoraAdapter.Apply(m1, AllLinear with { Rank = 64 }, seed: 9).Layers["model.layers.0.mlp.down_proj"].A;
        var a2 = LoraAdapter.Apply(m2, AllLinear with { Rank = 64 }, seed: 9).Layers["model.layers.0.mlp.down_proj"].A;
        var bound = 1 / Math.Sqrt(m1.Config.IntermediateSize); // fan_in of down_proj

        Assert.True(a1.equal(a2).all().item<bool>());
        Assert.InRange(a1.abs().max().item<float>(), 0.9 * bound, bound);
        Assert.InRange(a1.std().item<float>(), 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void Merged_weights_give_the_logits_of_the_unmerged_adapter_and_unload_restores_hf_keys()
    {
        using var model = TestModels.Create().WithRandomNorms();
        using var baseLogits = Logits(model);
        var adapter = LoraAdapter.Apply(model, AllLinear, seed: 3);
        foreach (var layer in adapter.Layers.Values) RandomizeB(layer, 4);
        using var unmerged = Logits(model);

        adapter.Merge();
        using var merged = Logits(model);
        adapter.MergeAndUnload();
        using var unloaded = Logits(model);

        Assert.True((unmerged - baseLogits).abs().max().item<float>() > 1e-2, "the adapter must change the logits");
        Qwen3ForwardTests.AssertClose(unmerged, merged, 1e-4);
        Qwen3ForwardTests.AssertClose(unmerged, unloaded, 1e-4);
        Assert.Equal(TestModels.Create().state_dict().Keys.Order(), model.state_dict().Keys.Order());
    }

    [Fact]
    public void A_peft_adapter_folder_round_trips_with_peft_key_names()
    {
        using var model = TestModels.Create().WithRandomNorms();
        var adapter = LoraAdapter.Apply(model, AllLinear with { TargetModules = ["q_proj", "k_proj", "down_proj"], Dropout = 0.05 }, seed: 5);
        foreach (var layer in adapter.Layers.Values) RandomizeB(layer, 6);
        using var expected = Logits(model);

        adapter.Save(folder.FullName);
        using var fresh = TestModels.Create().WithRandomNorms();
        var loaded = LoraAdapter.Load(fresh, folder.FullName, cancellationToken: TestContext.Current.CancellationToken);
        using var actual = Logits(fresh);

        using var reader = SafetensorsReader.Open(Path.Combine(folder.FullName, LoraAdapter.WeightsFile));
        Assert.Equal([4, 32], reader.Entries["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"].Shape);
        Assert.Equal([32, 4], reader.Entries["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"].Shape);
        Assert.Equal(3 * 2 * model.Config.NumHiddenLayers, reader.Entries.Count);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.FullName, LoraAdapter.ConfigFile)))!;
        Assert.Equal(("LORA", 4, 8.0), (config["peft_type"]!.GetValue<string>(), config["r"]!.GetValue<int>(), config["lora_alpha"]!.GetValue<double>()));
        Assert.Equal(["down_proj", "k_proj", "q_proj"], config["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal((4, 8.0, 0.05, false), (loaded.Config.Rank, loaded.Config.Alpha, loaded.Config.Dropout, loaded.Config.UseRsLora));
        Assert.Equal(adapter.Layers.Keys.Order(), loaded.Layers.Keys.Order());
        Qwen3ForwardTests.AssertClose(expected, actual, 0);
    }

    [Fact]
    public void Gradients_reach_the_adapter_of_a_bf16_base_and_not_the_base()
    {
        using var model = TestModels.Create(dtype: ScalarType.BFloat16);
        var adapter = LoraAdapter.Apply(model, AllLinear, seed: 2);
        model.train();

        using var logits = model.forward(TestModels.Tokens(Sequence));
        using var loss = logits.to(ScalarType.Float32).logsumexp(-1).mean();
        loss.backward();

        var layer = adapter.Layers["model.layers.0.self_attn.v_proj"];
        Assert.Equal(ScalarType.Float32, layer.B.dtype);
        Assert.True(layer.B.grad!.abs().sum().item<float>() > 0);
        Assert.Null(layer.BaseLayer.weight.grad);
        Assert.All(model.parameters().Where(p => !p.requires_grad), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Merging_a_head_lora_into_tied_embeddings_keeps_the_trained_head_and_the_input_embeddings()
    {
        using var model = TestModels.Create(TestModels.SmallTied).WithRandomNorms();
        using var embeddings = model.Model.EmbedTokens.Weight.detach().clone();
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "lm_head"] }, seed: 3);
        Assert.Contains("lm_head", adapter.Layers.Keys);
        foreach (var layer in adapter.Layers.Values) RandomizeB(layer, 5);
        using var unmerged = Logits(model);
        adapter.Save(folder.FullName);

        adapter.MergeAndUnload();
        using var merged = Logits(model);
        Qwen3ForwardTests.AssertClose(unmerged, merged, 1e-4);
        Assert.True(model.Model.EmbedTokens.Weight.eq(embeddings).all().item<bool>(),
            "the input embeddings must not take the head's update");
        Assert.False(model.Config.TieWordEmbeddings);

        // Exported, the head is its own tensor and the config says untied: loading the folder gives the same logits.
        var export = Path.Combine(folder.FullName, "merged");
        HfModelFolder.Save(model, export, cancellationToken: TestContext.Current.CancellationToken);
        using var reloaded = HfModelFolder.Load(export, cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(reloaded.Config.TieWordEmbeddings);
        using var fromExport = Logits(reloaded);
        Qwen3ForwardTests.AssertClose(unmerged, fromExport, 1e-4);

        // And the adapter folder itself, applied to a fresh tied base, gives the unmerged logits too (PEFT keys for lm_head).
        using var fresh = TestModels.Create(TestModels.SmallTied).WithRandomNorms();
        LoraAdapter.Load(fresh, folder.FullName, cancellationToken: TestContext.Current.CancellationToken);
        using var viaFolder = Logits(fresh);
        Qwen3ForwardTests.AssertClose(unmerged, viaFolder, 1e-5);
    }

    private static Tensor Logits(Qwen3ForCausalLM model)
    {
        model.eval();
        using var _ = no_grad();
        return model.forward(TestModels.Tokens(Sequence));
    }

    private static void RandomizeB(LoraLinear layer, ulong seed)
    {
        using var generator = new Generator(seed);
        using var _ = no_grad();
        layer.B.normal_(0, 0.5, generator);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
