using System.Text.Json;
using Platform.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Sft;

/// <summary>
/// Everything a training run (SFT, DPO, GRPO) needs to continue bit for bit: trained weights, AdamW moments, torch's global generator
/// (dropout), the data position and the step. Frozen weights are not saved; resume onto the same base.
/// </summary>
public static class SftCheckpoint
{
    private const string StateFile = "trainer_state.json";
    private const string WeightsFile = "trainable.safetensors";
    private const string OptimizerFile = "optimizer.bin"; // TorchSharp's own optimizer format
    private const string RngFile = "rng_state.safetensors";

    /// <summary>Whether <paramref name="fileName"/> is trainer state rather than the model (what a published copy leaves out).</summary>
    public static bool IsTrainerState(string fileName) => fileName is StateFile or WeightsFile or OptimizerFile or RngFile;

    private sealed record TrainerState(int Step, long ExamplesConsumed, int MaxSteps, int ExamplesPerStep, ulong Seed);

    public static void Save(IResumableTrainer trainer, string directory)
    {
        Directory.CreateDirectory(directory);
        SafetensorsWriter.Save(Path.Combine(directory, WeightsFile), trainer.Trainable.ToDictionary(p => p.Name, p => (Tensor)p.Parameter));
        trainer.Optimizer.save_state_dict(Path.Combine(directory, OptimizerFile));
        using (var rng = get_rng_state())
            SafetensorsWriter.Save(Path.Combine(directory, RngFile), new Dictionary<string, Tensor> { ["torch"] = rng });
        var state = new TrainerState(trainer.Step, trainer.ExamplesConsumed, trainer.MaxSteps, trainer.ExamplesPerStep, trainer.Seed);
        File.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(state));
    }

    /// <summary>Restores a checkpoint into a trainer built with the same model shape, adapters and options.</summary>
    public static void Load(IResumableTrainer trainer, string directory, CancellationToken cancellationToken = default)
    {
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(directory, StateFile)))
            ?? throw new InvalidDataException($"{directory}: empty {StateFile}");
        if (state.ExamplesPerStep != trainer.ExamplesPerStep || state.Seed != trainer.Seed)
            throw new InvalidOperationException("the checkpoint was written with another batch size or seed; it would not resume exactly");
        var targets = trainer.Trainable.ToDictionary(p => p.Name, p => (Tensor)p.Parameter);
        var loaded = SafetensorsLoader.LoadInto(targets, [Path.Combine(directory, WeightsFile)], cancellationToken);
        if (loaded.Count != targets.Count) throw new InvalidDataException($"{directory}: trained weights missing");
        trainer.Optimizer.load_state_dict(Path.Combine(directory, OptimizerFile));
        using (var reader = SafetensorsReader.Open(Path.Combine(directory, RngFile)))
        using (var rng = reader.Read("torch"))
            set_rng_state(rng);
        trainer.Step = state.Step;
        trainer.ExamplesConsumed = state.ExamplesConsumed;
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoint-N folders under <paramref name="output"/> (0 keeps all).</summary>
    public static void Prune(string output, int keep)
    {
        if (keep <= 0) return;
        var old = Directory.GetDirectories(output, "checkpoint-*")
            .Select(d => (Directory: d, Step: int.TryParse(Path.GetFileName(d)["checkpoint-".Length..], out var s) ? s : -1))
            .Where(c => c.Step >= 0).OrderByDescending(c => c.Step).Skip(keep);
        foreach (var (stale, _) in old) Directory.Delete(stale, recursive: true);
    }
}
