using Platform.Domain.Errors;

namespace Platform.Api.Errors;

/// <summary>OpenAI's error shape: {"error":{"message","type","param","code"}}.</summary>
public sealed record ApiError(ApiError.Body Error)
{
    public sealed record Body(string Message, string Type, string? Param, string? Code);

    public static IResult Result(int status, string message, string type, string? code = null, string? param = null) =>
        Results.Json(new ApiError(new Body(message, type, param, code)), statusCode: status);

    public static IResult Invalid(string message, string? param = null, string code = "invalid_request") =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", code, param);

    public static IResult NotFound(string what, string id, string param = "id") =>
        Result(StatusCodes.Status404NotFound, $"No such {what}: '{id}'", "invalid_request_error", "not_found", param);

    public static IResult From(DomainException e) => e.Kind switch
    {
        ErrorKind.NotFound => Result(404, e.Message, "invalid_request_error", e.Code, e.Param),
        ErrorKind.Conflict => Result(409, e.Message, "invalid_request_error", e.Code, e.Param),
        ErrorKind.Forbidden => Result(403, e.Message, "permission_error", e.Code, e.Param),
        ErrorKind.QuotaExceeded => Result(403, e.Message, "insufficient_quota", e.Code, e.Param),
        ErrorKind.TooMany => Result(429, e.Message, "rate_limit_exceeded", e.Code, e.Param),
        _ => Result(400, e.Message, "invalid_request_error", e.Code, e.Param),
    };
}
