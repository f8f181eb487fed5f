using System.Text.Json.Nodes;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Provenance;
using Platform.Training.Qwen3;
using Platform.Training.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Lora;

public sealed class AdapterCheckTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("adapter-check-");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Dictionary<string, (long Out, long In)> Shapes = Qwen3LinearShapes.Of(TestModels.Small);

    [Fact]
    public void The_linear_shapes_from_a_config_are_those_of_the_model()
    {
        using var model = TestModels.Create();
        var actual = model.named_modules().Where(m => m.module is TorchSharp.Modules.Linear)
            .ToDictionary(m => m.name, m => (((TorchSharp.Modules.Linear)m.module).weight!.shape[0], ((TorchSharp.Modules.Linear)m.module).weight!.shape[1]));
        actual["lm_head"] = (model.Config.VocabSize, model.Config.HiddenSize);

        Assert.Equal(actual.OrderBy(p => p.Key), Shapes.OrderBy(p => p.Key));
    }

    [Fact]
    public void An_adapter_saved_for_a_base_fits_it()
    {
        Save(TestModels.Small, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "lm_head"] });

        Assert.Empty(AdapterCheck.Problems(folder.FullName, Shapes, values: true, cancellationToken: Ct));
    }

    [Fact]
    public void An_adapter_for_another_shape_of_base_is_refused_with_the_module_and_the_shapes()
    {
        Save(TestModels.Small with { HiddenSize = 40, HeadDim = 10 }, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj"] });

        var problems = AdapterCheck.Problems(folder.FullName, Shapes, cancellationToken: Ct);

        Assert.Contains(problems, p => p.Contains("'model.layers.0.self_attn.q_proj' lora_A is [4, 40]; rank 4 on this base needs [4, 32]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_target_module_without_weights_or_a_rank_that_differs_from_the_tensors_is_refused()
    {
        Save(TestModels.Small, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj"] });
        EditConfig(c => { c["target_modules"] = new JsonArray("q_proj", "v_proj"); c["r"] = 8; });

        var problems = AdapterCheck.Problems(folder.FullName, Shapes, maxRank: 4, cancellationToken: Ct);

        Assert.Contains("target_modules names 'v_proj' but the adapter has no weights for it", problems);
        Assert.Contains(problems, p => p.Contains("lora_A is [4, 32]; rank 8 on this base needs [8, 32]", StringComparison.Ordinal));
        Assert.Contains("rank 8 is above this server's largest (4)", problems);
    }

    [Fact]
    public void Non_finite_weights_and_a_different_base_are_refused()
    {
        Save(TestModels.Small, new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["o_proj"] }, poison: true);
        File.WriteAllText(Path.Combine(folder.FullName, BaseFingerprint.FileName), """{"base_weights_sha256": "aaaaaaaaaaaaaaaa"}""");

        var problems = AdapterCheck.Problems(folder.FullName, Shapes, baseWeightsSha256: "bbbbbbbbbbbbbbbb", values: true, cancellationToken: Ct);

        Assert.Contains(problems, p => p.Contains("holds NaN or infinite values", StringComparison.Ordinal));
        Assert.Contains("it was trained on base weights aaaaaaaaaaaa…, but this base's weights are bbbbbbbbbbbb…", problems);
        Assert.Empty(AdapterCheck.Problems(folder.FullName, Shapes, baseWeightsSha256: "AAAAAAAAAAAAAAAA", cancellationToken: Ct)); // same hash, any case; values unchecked
    }

    [Fact]
    public void A_folder_without_weights_or_with_foreign_tensors_is_refused()
    {
        Save(TestModels.Small, new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["o_proj"] });
        SafetensorsWriter.Save(Path.Combine(folder.FullName, LoraAdapter.WeightsFile),
            new Dictionary<string, Tensor> { ["model.embed_tokens.weight"] = zeros(97, 32) });

        var problems = AdapterCheck.Problems(folder.FullName, Shapes, cancellationToken: Ct);

        Assert.Contains("tensor 'model.embed_tokens.weight' is not a LoRA weight", problems);
        Assert.Contains("the adapter holds no LoRA weights", problems);
        File.Delete(Path.Combine(folder.FullName, LoraAdapter.WeightsFile));
        Assert.Contains(AdapterCheck.Problems(folder.FullName, Shapes, cancellationToken: Ct), p => p.StartsWith("adapter_model.safetensors cannot be read", StringComparison.Ordinal));
    }

    private void Save(Qwen3Config config, LoraConfig lora, bool poison = false)
    {
        using var model = TestModels.Create(config);
        var adapter = LoraAdapter.Apply(model, lora, seed: 3);
        if (poison) using (no_grad()) adapter.Layers.Values.First().B.fill_(double.NaN);
        adapter.Save(folder.FullName);
    }

    private void EditConfig(Action<JsonObject> edit)
    {
        var path = Path.Combine(folder.FullName, LoraAdapter.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    public void Dispose() => folder.Delete(recursive: true);
}
