namespace Platform.Inference;

/// <summary>
/// The engine will not take a request: it can never fit (<see cref="Overloaded"/> false: the caller's request is too
/// large) or too many wait already (true: try again later).
/// </summary>
public sealed class InferenceRefusedException(string message, bool overloaded) : Exception(message)
{
    public bool Overloaded { get; } = overloaded;
}

/// <summary>
/// The request's adapter does not fit this engine's base (target modules, shapes, rank, base weights) or cannot be read:
/// the request fails with the reason and never runs on the base alone.
/// </summary>
public sealed class InvalidAdapterException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The error code an API answers with.</summary>
    public const string Code = "adapter_invalid";

    public static InvalidAdapterException For(string adapterId, string reason, Exception? inner = null) =>
        new($"adapter '{adapterId}' cannot be served: {reason}", inner);
}
