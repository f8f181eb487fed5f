using Platform.Api.Inference;

namespace Platform.Api.Errors;

/// <summary>
/// A completion that failed after it started: a lost inference silo is 503 server_error telling the client to retry
/// (OpenAI's SDKs retry 503 by themselves); anything else is the engine's own failure, 500.
/// </summary>
public static class InferenceFailures
{
    public static bool Retriable(Exception e) => e is InferenceInterruptedException or InferenceUnavailableException;

    public static ApiError Error(Exception e) => Retriable(e)
        ? new ApiError(new ApiError.Body(e.Message, "server_error", null, "inference_interrupted"))
        : new ApiError(new ApiError.Body($"Inference failed: {e.Message}", "server_error", null, "inference_failed"));

    public static IResult Result(Exception e) => Results.Json(Error(e), statusCode: Retriable(e) ? 503 : 500);
}
