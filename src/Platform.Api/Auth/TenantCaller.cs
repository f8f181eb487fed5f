namespace Platform.Api.Auth;

/// <summary>Who is calling /v1: the tenant and the key it used. Set by <see cref="TenantKeyFilter"/>.</summary>
public sealed record TenantCaller(string TenantId, string KeyId)
{
    public static TenantCaller From(HttpContext http) =>
        http.Items[nameof(TenantCaller)] as TenantCaller ?? throw new InvalidOperationException("no authenticated tenant");
}
