namespace Platform.Worker;

/// <summary>Turns a failed run's exception into the job's error code and a message a customer can act on.</summary>
internal static class TrainingFailure
{
    public static string Code(Exception e) => e switch
    {
        InvalidDataException => "invalid_training_data",
        NonFiniteLossException => "loss_diverged",
        Training.Rl.DegenerateTrainingException => "training_degenerate",
        OutOfMemoryException => "out_of_memory",
        _ when e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) => "out_of_memory",
        _ => "training_error",
    };

    public static string Describe(Exception e) => Code(e) switch
    {
        "out_of_memory" => "The worker ran out of memory. Try a smaller batch_size or shorter examples.",
        "loss_diverged" => e.Message + " Try a lower learning_rate_multiplier.",
        "training_degenerate" => e.Message + " The job was set to fail on such warnings (fail_on_warnings).",
        _ => e.Message,
    };
}

/// <summary>The loss became NaN or infinite; training cannot continue.</summary>
public sealed class NonFiniteLossException(int step, double loss)
    : Exception($"Training loss became {loss} at step {step}.");
