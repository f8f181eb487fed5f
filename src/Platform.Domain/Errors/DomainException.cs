namespace Platform.Domain.Errors;

public enum ErrorKind { InvalidRequest, NotFound, Conflict, Forbidden, QuotaExceeded, TooMany }

/// <summary>A refusal by a business rule; the API turns it into an OpenAI-shaped error.</summary>
[GenerateSerializer, Alias("Platform.DomainException")]
public sealed class DomainException(ErrorKind kind, string code, string message, string? param = null) : Exception(message)
{
    [Id(0)] public ErrorKind Kind { get; } = kind;
    [Id(1)] public string Code { get; } = code;
    [Id(2)] public string? Param { get; } = param;

    public static DomainException NotFound(string what, string id, string param = "id") =>
        new(ErrorKind.NotFound, "not_found", $"No such {what}: '{id}'", param);
}
