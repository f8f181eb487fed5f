using System.Security.Cryptography;

namespace Platform.Domain;

/// <summary>Identifiers shaped like OpenAI's ("file-…"), random so they reveal nothing about other tenants.</summary>
public static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string New(string prefix, int length = 24) => prefix + RandomNumberGenerator.GetString(Alphabet, length);

    public static string Tenant() => New("ten_");
    public static string ApiKey() => New("key_");
    public static string File() => New("file-");
}
