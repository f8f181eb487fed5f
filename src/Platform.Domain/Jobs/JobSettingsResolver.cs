using Platform.Domain.Errors;
using Platform.Domain.Models;

namespace Platform.Domain.Jobs;

/// <summary>Checks a job request and resolves "auto" hyperparameters from the training set's size.</summary>
public static class JobSettingsResolver
{
    public static JobSettings Resolve(CreateJob r, BaseModelOptions model, int examples)
    {
        if (r.Method is "dpo" or "reinforcement")
            throw Invalid($"The '{r.Method}' method is not available yet; use 'supervised'.", "method.type", "unsupported_method");
        if (r.Method != "supervised") throw Invalid($"Unknown method type '{r.Method}'.", "method.type");
        var trainType = r.TrainType ?? "lora";
        if (trainType is not ("lora" or "full")) throw Invalid("train_type must be 'lora' or 'full'.", "method.supervised.train_type");
        Check(r.NEpochs, 1, 50, "n_epochs");
        Check(r.BatchSize, 1, 256, "batch_size");
        Check(r.LoraRank, 1, 256, "lora.rank");
        if (r.LearningRateMultiplier is <= 0 or > 100) throw Invalid("learning_rate_multiplier must be in (0, 100].", "learning_rate_multiplier");
        if (r.LoraAlpha is <= 0) throw Invalid("lora.alpha must be positive.", "lora.alpha");
        if (r.LoraDropout is < 0 or >= 1) throw Invalid("lora.dropout must be in [0, 1).", "lora.dropout");
        if (r.Suffix is { Length: > 64 } || (r.Suffix is not null && !r.Suffix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw Invalid("suffix must be up to 64 characters of letters, digits, '-' and '_'.", "suffix");

        var epochs = r.NEpochs ?? Math.Clamp((int)Math.Ceiling(100.0 / Math.Max(1, examples)), 1, 50);
        var batch = r.BatchSize ?? Math.Clamp(examples / 100, 1, 8);
        var multiplier = r.LearningRateMultiplier ?? 1.0;
        var rate = (trainType == "lora" ? model.LoraLearningRate : model.FullLearningRate) * multiplier;
        var rank = r.LoraRank ?? 8;
        var totalSteps = epochs * (int)Math.Ceiling(Math.Max(1, examples) / (double)batch);
        return new JobSettings(
            epochs, batch, multiplier, rate, trainType, rank, r.LoraAlpha ?? 2.0 * rank, r.LoraDropout ?? 0.0,
            r.TargetModules is { Count: > 0 } t ? t : ["all-linear"], model.MaxLength, SaveSteps: Math.Max(1, totalSteps / 4));
    }

    private static void Check(int? value, int min, int max, string param)
    {
        if (value is { } v && (v < min || v > max)) throw Invalid($"{param} must be between {min} and {max}.", param);
    }

    private static DomainException Invalid(string message, string param, string code = "invalid_hyperparameter") =>
        new(ErrorKind.InvalidRequest, code, message, param);
}
