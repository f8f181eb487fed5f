using Platform.Training.Checkpoints;
using Platform.Training.Lora;

namespace Platform.Cli.Commands;

/// <summary>ms-swift's <c>swift export --merge_lora</c>: base + adapter → one HF model folder.</summary>
internal sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Usage => "--model <preset|folder> --adapter <dir> --output <dir> [--merge] [--dtype <float32|bfloat16|float16>]";
    public string Summary => "merge a LoRA adapter into its base and write an HF model folder (config.json, model.safetensors, tokenizer)";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelName = args.Require("model");
        var adapter = args.Require("adapter");
        var output = args.Require("output");
        var merge = args.Flag("merge");
        var dtype = BaseModelLoader.ParseDtype(args.Get("dtype") ?? "float32");
        args.RejectUnknown();
        // ms-swift exports an unmerged adapter by copying it; here the merged folder is the one thing export makes
        if (!merge) throw new CliException("only --merge is supported (an adapter folder is already the unmerged export)");

        using var model = BaseModelLoader.Load(modelName, cancellationToken: cancellationToken);
        LoraAdapter.Load(model, adapter, cancellationToken: cancellationToken).MergeAndUnload();
        HfModelFolder.Save(model, output, dtype, cancellationToken: cancellationToken);
        var tokenizerFiles = BaseModelLoader.IsPreset(modelName) ? 0 : TokenizerFiles.Copy(modelName, output);
        Console.WriteLine($"merged model in {output} ({tokenizerFiles} tokenizer files copied)");
        return Task.FromResult(0);
    }
}
