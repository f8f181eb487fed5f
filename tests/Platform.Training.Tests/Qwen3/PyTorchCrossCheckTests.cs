using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Training.Checkpoints;
using Platform.Training.Lora;
using Platform.Training.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Qwen3;

/// <summary>
/// Our saved model, PEFT adapter and logits against CrossCheck/hf_qwen3_reference.py: modeling_qwen3.py's equations and
/// PEFT's LoRA in PyTorch, reading our safetensors with its own parser. Skipped where PyTorch is not installed
/// (Debian: apt-get install python3-torch).
/// </summary>
public sealed class PyTorchCrossCheckTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pytorch-check-");

    [Fact]
    public async Task Logits_of_a_left_padded_batch_with_and_without_lora_match_pytorch()
    {
        if (!await HasPyTorch()) Assert.Skip("PyTorch is not installed for /usr/bin/python3");
        using var model = TestModels.Create().WithRandomNorms();
        using var ids = TestModels.Tokens([0, 0, 0, 17, 4, 88, 23, 5], [61, 2, 9, 30, 71, 44, 12, 90]);
        using var mask = TestModels.Tokens([0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]);
        HfModelFolder.Save(model, Path.Combine(folder.FullName, "model"), cancellationToken: TestContext.Current.CancellationToken);
        using var baseLogits = Logits(model, ids, mask);
        var adapter = LoraAdapter.Apply(model, new LoraConfig { Rank = 4, Alpha = 12, TargetModules = ["q_proj", "v_proj", "o_proj", "up_proj"] }, seed: 3);
        using (no_grad())
            foreach (var layer in adapter.Layers.Values) layer.B.normal_(0, 0.3);
        adapter.Save(Path.Combine(folder.FullName, "adapter"));
        using var loraLogits = Logits(model, ids, mask);
        SafetensorsWriter.Save(Path.Combine(folder.FullName, "cases.safetensors"), new Dictionary<string, Tensor>
        {
            ["ids"] = ids, ["mask"] = mask, ["base_logits"] = baseLogits, ["lora_logits"] = loraLogits,
        });

        var report = JsonNode.Parse(await Run(Script, folder.FullName))!;

        Assert.True(report["base_scale"]!.GetValue<double>() > 1, "logits too small for a meaningful comparison");
        Assert.InRange(report["base"]!.GetValue<double>(), 0, 1e-4);
        Assert.InRange(report["lora"]!.GetValue<double>(), 0, 1e-4);
    }

    private static string Script => Path.Combine(AppContext.BaseDirectory, "Qwen3", "CrossCheck", "hf_qwen3_reference.py");

    private static Tensor Logits(Qwen3ForCausalLM model, Tensor ids, Tensor mask)
    {
        using var _ = no_grad();
        return model.forward(ids, mask, AttentionMask.PositionIds(mask), cache: null);
    }

    private static async Task<bool> HasPyTorch() =>
        File.Exists(Python) && (await RunProcess("-c \"import torch\"")).ExitCode == 0;

    private static async Task<string> Run(string script, string argument)
    {
        var (code, output, error) = await RunProcess($"\"{script}\" \"{argument}\"");
        Assert.True(code == 0, error);
        return output.Trim().Split('\n')[^1];
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunProcess(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
