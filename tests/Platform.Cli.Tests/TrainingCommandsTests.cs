using Platform.Cli.Commands;

namespace Platform.Cli.Tests;

/// <summary>The README's "Train from the command line", in process: sft, infer --adapter, export --merge, infer on the export.</summary>
[Collection(typeof(InProcessTraining))]
public sealed class TrainingCommandsTests : IDisposable
{
    private const string Answer = "I am Aster, a model made by Platform Labs.";
    private static readonly string Dataset = Path.Combine(AppContext.BaseDirectory, "self-cognition.jsonl");
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cli-sft-");

    [Fact]
    public async Task Sft_then_infer_with_the_adapter_and_with_the_merged_export_answer_as_trained()
    {
        var ct = TestContext.Current.CancellationToken;
        var adapter = Path.Combine(folder.FullName, "aster");
        var merged = Path.Combine(folder.FullName, "merged");

        var sft = await Run(new SftCommand(), ct, "--model", "qwen3-tiny", "--dataset", Dataset, "--output", adapter,
            "--epochs", "30", "--batch-size", "9", "--lr", "5e-3");
        var viaAdapter = await Infer(ct, "--model", "qwen3-tiny", "--adapter", adapter, "--no-thinking");
        var export = await Run(new ExportCommand(), ct, "--model", "qwen3-tiny", "--adapter", adapter, "--merge", "--output", merged);
        var viaExport = await Infer(ct, "--model", merged, "--no-thinking");
        var baseModel = await Infer(ct, "--model", "qwen3-tiny", "--no-thinking", "--max-new-tokens", "12");

        Assert.Equal((0, 0), (sft, export));
        Assert.True(File.Exists(Path.Combine(adapter, "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(merged, "model.safetensors")));
        Assert.Equal([Answer, "我是Aster，由Platform Labs开发的模型。"], viaAdapter);
        Assert.Equal(viaAdapter, viaExport);
        Assert.DoesNotContain(Answer, baseModel);
    }

    [Fact]
    public async Task An_unknown_sft_option_is_an_error_before_any_training()
    {
        var error = await Assert.ThrowsAsync<CliException>(() =>
            Run(new SftCommand(), TestContext.Current.CancellationToken, "--model", "qwen3-tiny", "--dataset", Dataset, "--output", folder.FullName, "--epoch", "3"));
        Assert.Contains("--epoch", error.Message);
        Assert.Empty(folder.GetFileSystemInfos());
    }

    private static Task<int> Run(ICommand command, CancellationToken ct, params string[] args) =>
        command.RunAsync(new CliArgs(args, CommandTable.FlagsOf(command)), ct);

    private static async Task<string[]> Infer(CancellationToken ct, params string[] args)
    {
        var output = new StringWriter();
        var command = new InferCommand(new StringReader("Who are you?\n{\"messages\":[{\"role\":\"user\",\"content\":\"你是谁？\"}]}\n"), output);
        Assert.Equal(0, await command.RunAsync(new CliArgs(args, CommandTable.FlagsOf(command)), ct));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
