using Platform.Cli.Commands;

namespace Platform.Cli.Tests;

/// <summary><c>platform rlhf</c> in process: DPO and GRPO end with a PEFT adapter; bad graders fail before training.</summary>
[Collection(typeof(InProcessTraining))]
public sealed class RlhfCommandTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cli-rlhf-");

    [Fact]
    public async Task Dpo_and_grpo_write_a_peft_adapter_and_keep_their_checkpoints()
    {
        var ct = TestContext.Current.CancellationToken;
        var dpo = Path.Combine(folder.FullName, "dpo");
        var grpo = Path.Combine(folder.FullName, "grpo");

        var dpoExit = await Run(ct, "--rlhf-type", "dpo", "--model", "qwen3-tiny", "--dataset", Sample("preferences.jsonl"), "--output", dpo,
            "--batch-size", "8", "--lr", "5e-3", "--save-steps", "2", "--beta", "0.1");
        var grpoExit = await Run(ct, "--rlhf-type", "grpo", "--model", "qwen3-tiny", "--dataset", Sample("additions.jsonl"), "--output", grpo,
            "--reward-funcs", "accuracy,format", "--num-generations", "4", "--max-completion-length", "4", "--batch-size", "5",
            "--epochs", "0.4", "--no-thinking", "--lr", "1e-3");

        Assert.Equal((0, 0), (dpoExit, grpoExit));
        foreach (var output in new[] { dpo, grpo })
        {
            Assert.True(File.Exists(Path.Combine(output, "adapter_model.safetensors")), output);
            Assert.True(File.Exists(Path.Combine(output, "adapter_config.json")), output);
        }
        Assert.Equal(["checkpoint-2", "checkpoint-3"], Directory.GetDirectories(dpo).Select(Path.GetFileName).Order());
        Assert.Equal(["checkpoint-2"], Directory.GetDirectories(grpo).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_invalid_grader_file_is_an_error_that_says_where()
    {
        var grader = Path.Combine(folder.FullName, "grader.json");
        await File.WriteAllTextAsync(grader, """{"type":"string_check","input":"{{sample.output_text}}","reference":"{{item.solution}}","operation":"is"}""",
            TestContext.Current.CancellationToken);
        var output = Path.Combine(folder.FullName, "out");

        var error = await Assert.ThrowsAsync<CliException>(() => Run(TestContext.Current.CancellationToken,
            "--rlhf-type", "grpo", "--model", "qwen3-tiny", "--dataset", Sample("additions.jsonl"), "--output", output, "--grader", grader));

        Assert.Contains("operation: 'is' is not one of eq, ne, like, ilike", error.Message);
        Assert.False(Directory.Exists(output));
    }

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, name);

    private static Task<int> Run(CancellationToken ct, params string[] args)
    {
        var command = new RlhfCommand();
        return command.RunAsync(new CliArgs(args, CommandTable.FlagsOf(command)), ct);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
