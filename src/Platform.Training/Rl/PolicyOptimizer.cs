using Platform.Training.Qwen3;
using Platform.Training.Sft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

/// <summary>
/// AdamW over the parameters that require grad (the LoRA adapters), with <see cref="SftTrainer"/>'s update recipe:
/// scheduled learning rate, zeroed grads, then global-norm clipping and one step. <c>options.MaxSteps</c> is the
/// number of updates the schedule spans.
/// </summary>
internal sealed class PolicyOptimizer : IDisposable
{
    private readonly SftOptions options;

    public PolicyOptimizer(Qwen3ForCausalLM model, SftOptions options)
    {
        this.options = options;
        Trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (Trainable.Count == 0) throw new ArgumentException("the model has no parameter that requires grad", nameof(model));
        Optimizer = optim.AdamW(Trainable.Select(p => p.Parameter), options.LearningRate, options.AdamBeta1, options.AdamBeta2,
            options.AdamEpsilon, options.WeightDecay);
    }

    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }
    public AdamW Optimizer { get; }

    /// <summary>Sets the learning rate of update <paramref name="update"/> (0-based) and zeroes the grads; returns the rate.</summary>
    public double Begin(int update)
    {
        var learningRate = LearningRateSchedule.At(update, options);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
        using (NewDisposeScope()) Optimizer.zero_grad();
        return learningRate;
    }

    /// <summary>Clips (when MaxGradNorm &gt; 0) and steps; returns the gradient norm before clipping.</summary>
    public double Finish()
    {
        double gradNorm;
        using (NewDisposeScope()) // reading p.grad makes handles: dispose them here (see SftTrainer)
            gradNorm = nn.utils.clip_grad_norm_(Trainable.Select(p => p.Parameter).Where(p => p.grad is not null),
                options.MaxGradNorm > 0 ? options.MaxGradNorm : double.PositiveInfinity);
        using (NewDisposeScope()) Optimizer.step();
        return gradNorm;
    }

    public void Dispose() => Optimizer.Dispose();
}
