using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Rl;

/// <summary>Per-pair DPO loss and the implicit rewards β·(log π − log π_ref) of each side, all (B).</summary>
public sealed record DpoLossTerms(Tensor Loss, Tensor ChosenRewards, Tensor RejectedRewards) : IDisposable
{
    public void Dispose()
    {
        Loss.Dispose();
        ChosenRewards.Dispose();
        RejectedRewards.Dispose();
    }
}

/// <summary>
/// The sigmoid DPO loss (Rafailov et al. 2023, eq. 7) with conservative label smoothing ε (cDPO, as TRL's "sigmoid"):
/// z = β·((log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))), loss = −(1−ε)·log σ(z) − ε·log σ(−z).
/// Log-probabilities are sums over each reply's tokens.
/// </summary>
public static class DpoLoss
{
    public static DpoLossTerms Compute(Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected,
        double beta, double labelSmoothing = 0)
    {
        using var scope = NewDisposeScope();
        var chosen = beta * (policyChosen - referenceChosen);                 // (B)
        var rejected = beta * (policyRejected - referenceRejected);           // (B)
        var z = chosen - rejected;                                            // (B)
        var loss = -nn.functional.logsigmoid(z) * (1 - labelSmoothing) - nn.functional.logsigmoid(-z) * labelSmoothing;
        return new DpoLossTerms(loss.MoveToOuterDisposeScope(), chosen.detach().MoveToOuterDisposeScope(), rejected.detach().MoveToOuterDisposeScope());
    }
}
