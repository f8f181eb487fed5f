using System.Text.Json.Nodes;
using Platform.Inference.Lora;
using Platform.Training.Lora;
using Platform.Training.Provenance;

namespace Platform.Inference.Tests;

/// <summary>An adapter that does not fit the served base is refused with the reason before any token; nothing runs on the base alone.</summary>
public sealed class AdapterCheckOnServeTests
{
    private static readonly int[] Prompt = TestEngines.Prompt("Who are you?");

    [Fact]
    public async Task An_adapter_trained_on_other_base_weights_is_refused_at_submit_and_one_on_these_weights_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxLoraRank = 8 });
        var foreign = TestEngines.Adapter("foreign", rank: 4, alpha: 8, seed: 1);
        var own = TestEngines.Adapter("own", rank: 4, alpha: 8, seed: 1);
        File.WriteAllText(Path.Combine(foreign.Folder, BaseFingerprint.FileName), """{"base_weights_sha256": "0123456789abcdef"}""");
        File.WriteAllText(Path.Combine(own.Folder, BaseFingerprint.FileName), $$"""{"base_weights_sha256": "{{engine.BaseWeightsSha256}}"}""");

        var error = Assert.Throws<InvalidAdapterException>(() => engine.Submit(TestEngines.Greedy(Prompt, foreign), ct));
        var served = await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, own), ct);

        Assert.Contains("adapter 'foreign' cannot be served: it was trained on base weights 0123456789ab…", error.Message);
        Assert.NotEmpty(served.Tokens);
    }

    [Fact]
    public async Task An_adapter_whose_config_names_modules_it_has_no_weights_for_never_answers_as_the_base()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxLoraRank = 8 });
        var partial = TestEngines.Adapter("partial", rank: 4, alpha: 8, seed: 2, "q_proj");
        var config = Path.Combine(partial.Folder, LoraAdapter.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["target_modules"] = new JsonArray("q_proj", "gate_proj");
        File.WriteAllText(config, json.ToJsonString());

        var error = Assert.Throws<InvalidAdapterException>(() => engine.Submit(TestEngines.Greedy(Prompt, partial), ct));

        Assert.Contains("target_modules names 'gate_proj' but the adapter has no weights for it", error.Message);
        Assert.Empty(engine.Stats.ResidentAdapters);
        Assert.NotEmpty((await TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt), ct)).Tokens);
    }

    [Fact]
    public async Task An_adapter_with_non_finite_weights_fails_its_request_at_load_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = TestEngines.Create(new InferenceOptions { KvCacheBytes = 16L << 20, MaxLoraRank = 8 });
        var poisoned = TestEngines.Adapter("nan", rank: 4, alpha: 8, seed: 3, "v_proj");
        TestEngines.Poison(poisoned);

        var error = await Assert.ThrowsAsync<InvalidAdapterException>(() => TestEngines.RunAsync(engine, TestEngines.Greedy(Prompt, poisoned), ct));

        Assert.Contains("holds NaN or infinite values", error.Message);
        Assert.DoesNotContain("nan", engine.Stats.ResidentAdapters);
    }
}
