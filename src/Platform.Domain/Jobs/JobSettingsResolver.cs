using Platform.Domain.Errors;
using Platform.Domain.Models;
using Platform.Training.Graders;

namespace Platform.Domain.Jobs;

/// <summary>Checks a job request and resolves "auto" hyperparameters from the training set's size.</summary>
public static class JobSettingsResolver
{
    public static readonly string[] Methods = ["supervised", "dpo", "reinforcement"];

    public static JobSettings Resolve(CreateJob r, BaseModelOptions model, int examples)
    {
        if (!Methods.Contains(r.Method)) throw Invalid($"Unknown method type '{r.Method}'; use {string.Join(", ", Methods)}.", "method.type");
        var trainType = r.TrainType ?? "lora";
        if (trainType is not ("lora" or "full")) throw Invalid("train_type must be 'lora' or 'full'.", $"method.{r.Method}.train_type");
        if (r.Method != "supervised" && trainType != "lora")
            throw Invalid($"{r.Method} trains a LoRA adapter: its reference model is the base with the adapter switched off.", $"method.{r.Method}.train_type");
        Check(r.NEpochs, 1, 50, "n_epochs");
        Check(r.BatchSize, 1, 256, "batch_size");
        Check(r.LoraRank, 1, 256, "lora.rank");
        Check(r.NumGenerations, 2, 64, "num_generations");
        Check(r.MaxCompletionLength, 1, model.MaxLength, "max_completion_length");
        if (r.LearningRateMultiplier is <= 0 or > 100) throw Invalid("learning_rate_multiplier must be in (0, 100].", "learning_rate_multiplier");
        if (r.LoraAlpha is <= 0) throw Invalid("lora.alpha must be positive.", "lora.alpha");
        if (r.LoraDropout is < 0 or >= 1) throw Invalid("lora.dropout must be in [0, 1).", "lora.dropout");
        if (r.Beta is < 0 or > 100) throw Invalid("beta must be in [0, 100].", "beta");
        if (r.Epsilon is <= 0 or >= 1) throw Invalid("epsilon must be in (0, 1).", "epsilon");
        if (r.Suffix is { Length: > 64 } || (r.Suffix is not null && !r.Suffix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw Invalid("suffix must be up to 64 characters of letters, digits, '-' and '_'.", "suffix");
        if (r.Method == "dpo" && (r.Grader is not null || r.NumGenerations is not null || r.Epsilon is not null || r.MaxCompletionLength is not null))
            throw Invalid("grader, num_generations, epsilon and max_completion_length belong to the reinforcement method.", $"method.{r.Method}");
        if (r.Method == "supervised" && (r.NumGenerations is not null || r.Epsilon is not null))
            throw Invalid("num_generations and epsilon belong to the reinforcement method.", "method.supervised");
        if (r.Method == "supervised" && r.Beta is not null) throw Invalid("beta belongs to the dpo and reinforcement methods.", "method.supervised.hyperparameters.beta");
        if (r.Method != "reinforcement" && (r.FlatRewardSteps is not null || r.FailOnWarnings is not null))
            throw Invalid("flat_reward_steps and fail_on_warnings belong to the reinforcement method.", r.FlatRewardSteps is not null ? "flat_reward_steps" : "fail_on_warnings");
        Check(r.FlatRewardSteps, 1, 1000, "flat_reward_steps");
        var grader = r.Method == "reinforcement" ? ParseGrader(r.Grader) : r.Grader is null ? null : ParseGrader(r.Grader, r.Method);
        if (r.Method == "supervised" && r.Grader is not null && r.ValidationFile is null)
            throw Invalid("A supervised grader scores generations on the validation file; add a validation_file.", "validation_file");
        if (r.Method == "supervised" && r.MaxCompletionLength is not null && r.Grader is null)
            throw Invalid("max_completion_length of a supervised job is the length of its graded generations; it needs a grader.", "max_completion_length");

        var epochs = r.NEpochs ?? Math.Clamp((int)Math.Ceiling(100.0 / Math.Max(1, examples)), 1, 50);
        var batch = r.BatchSize ?? Math.Clamp(examples / 100, 1, 8);
        var multiplier = r.LearningRateMultiplier ?? 1.0;
        var rate = (trainType == "lora" ? model.LoraLearningRate : model.FullLearningRate) * multiplier;
        var rank = r.LoraRank ?? 8;
        var totalSteps = epochs * (int)Math.Ceiling(Math.Max(1, examples) / (double)batch);
        var (evalSteps, earlyStopping) = JobEvaluationRules.Resolve(r, saveSteps: Math.Max(1, totalSteps / 4));
        return new JobSettings(
            epochs, batch, multiplier, rate, trainType, rank, r.LoraAlpha ?? 2.0 * rank, r.LoraDropout ?? 0.0,
            r.TargetModules is { Count: > 0 } t ? t : ["all-linear"], model.MaxLength, SaveSteps: Math.Max(1, totalSteps / 4),
            r.Method, Beta: r.Beta ?? (r.Method == "dpo" ? 0.1 : r.Method == "reinforcement" ? 0.04 : 0),
            NumGenerations: r.Method == "reinforcement" ? r.NumGenerations ?? 8 : 0,
            Epsilon: r.Method == "reinforcement" ? r.Epsilon ?? 0.2 : 0,
            MaxCompletionLength: grader is not null ? r.MaxCompletionLength ?? Math.Min(512, model.MaxLength) : 0,
            Grader: grader is null ? null : r.Grader,
            EvalSteps: evalSteps, EarlyStopping: earlyStopping,
            FlatRewardSteps: r.Method == "reinforcement" ? r.FlatRewardSteps ?? 3 : 0,
            FailOnWarnings: r.FailOnWarnings ?? false);
    }

    /// <summary>The method's grader, or a 400 naming where in <c>method.&lt;type&gt;.grader</c> it is wrong.</summary>
    public static Grader ParseGrader(string? json, string method = "reinforcement")
    {
        var at = $"method.{method}.grader";
        if (json is null) throw Invalid("The reinforcement method needs a grader.", at, "invalid_grader");
        try { return GraderParser.Parse(json); }
        catch (GraderDefinitionException e)
        {
            var param = e.Path == "grader" ? at : $"{at}.{e.Path}";
            throw Invalid($"Invalid grader: {param}: {e.Problem}", param, "invalid_grader");
        }
    }

    internal static void Check(int? value, int min, int max, string param)
    {
        if (value is { } v && (v < min || v > max)) throw Invalid($"{param} must be between {min} and {max}.", param);
    }

    internal static DomainException Invalid(string message, string param, string code = "invalid_hyperparameter") =>
        new(ErrorKind.InvalidRequest, code, message, param);
}
