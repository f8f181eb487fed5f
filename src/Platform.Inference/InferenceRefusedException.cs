namespace Platform.Inference;

/// <summary>
/// The engine will not take a request: it can never fit (<see cref="Overloaded"/> false: the caller's request is too
/// large) or too many wait already (true: try again later).
/// </summary>
public sealed class InferenceRefusedException(string message, bool overloaded) : Exception(message)
{
    public bool Overloaded { get; } = overloaded;
}
