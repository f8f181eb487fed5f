using System.Text.Json;

namespace Platform.Training.Evaluation;

/// <summary>What to watch: a validation metric, how many evaluations without improvement to allow, and what counts as one.</summary>
public sealed record EarlyStoppingOptions(string Metric, int Patience, double MinDelta)
{
    public const string ValidLoss = "valid_loss", ValidTokenAccuracy = "valid_mean_token_accuracy", ValidReward = "valid_reward";
    public static readonly string[] Metrics = [ValidLoss, ValidTokenAccuracy, ValidReward];

    /// <summary>Loss goes down; accuracy and reward go up.</summary>
    public bool LowerIsBetter => Metric == ValidLoss;
}

/// <summary>
/// HF's EarlyStoppingCallback with load_best_model_at_end: after each evaluation, the best value so far (and its step)
/// is kept; an evaluation that does not beat the best by more than <see cref="EarlyStoppingOptions.MinDelta"/> counts
/// against the patience, one that does resets it; the run stops when <see cref="EarlyStoppingOptions.Patience"/>
/// evaluations in a row did not. A non-finite value never improves. The state travels with each checkpoint, so a
/// resumed run stops where an uninterrupted one would.
/// </summary>
public sealed class EarlyStopping(EarlyStoppingOptions options)
{
    public const string FileName = "early_stopping.json";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record State(double? Best, int? BestStep, int Stale);

    public EarlyStoppingOptions Options { get; } = options;
    public double? Best { get; private set; }
    public int? BestStep { get; private set; }
    /// <summary>Evaluations since the last one that improved by more than MinDelta.</summary>
    public int Stale { get; private set; }
    public bool ShouldStop => Stale >= Options.Patience;

    /// <summary>Records one evaluation; true when it is the new best (its checkpoint is the one to keep).</summary>
    public bool Observe(int step, double value)
    {
        if (!double.IsFinite(value)) { Stale++; return false; }
        var gain = Best is not { } best ? double.PositiveInfinity : Options.LowerIsBetter ? best - value : value - best;
        Stale = gain > Options.MinDelta ? 0 : Stale + 1;
        if (gain <= 0) return false;
        (Best, BestStep) = (value, step);
        return true;
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new State(Best, BestStep, Stale), Json));
    }

    /// <summary>The state saved with a checkpoint (a fresh one when the checkpoint has none).</summary>
    public static EarlyStopping Resume(EarlyStoppingOptions options, string? folder)
    {
        var stopping = new EarlyStopping(options);
        var path = folder is null ? null : Path.Combine(folder, FileName);
        if (path is null || !File.Exists(path)) return stopping;
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
        (stopping.Best, stopping.BestStep, stopping.Stale) = (state.Best, state.BestStep, state.Stale);
        return stopping;
    }
}
