namespace Platform.Domain.Hosting;

/// <summary>
/// Runs every incoming grain call from its first line as a continuation on the activation, not inside the message loop
/// that accepted it. Orleans 10.4 accepts a request under the activation's lock and invokes the grain method in the
/// same synchronous stretch, and a local call's delivery takes the target's lock; so two grains whose methods call each
/// other before their first await (the worker directory kicking the scheduler while the scheduler's sweep asks the
/// directory for slots) each held their own lock waiting for the other's, and the silo stopped. Seen as a hang of the
/// whole test process (managed stacks: both threads in ActivationData.ReceiveRequest). One yield per call breaks every
/// such cycle, whatever the grains.
/// </summary>
public sealed class YieldBeforeInvokeFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await Task.Yield();
        await context.Invoke();
    }
}
