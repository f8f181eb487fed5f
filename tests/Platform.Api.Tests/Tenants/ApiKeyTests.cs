using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Domain.Keys;

namespace Platform.Api.Tests.Tenants;

public sealed class ApiKeyTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_issued_key_opens_v1_and_only_its_hash_is_stored()
    {
        var t = await server.NewTenantAsync();
        Assert.StartsWith("sk-plat-", t.Key);
        using var client = server.Client(t.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/files", Ct)).StatusCode);

        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT secret_hash, row_to_json(k)::text FROM api_keys k WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(t.KeyId);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(ApiKeySecret.Hash(t.Key), (byte[])reader[0]);
        var secret = t.Key[(t.Key.IndexOf('.') + 1)..];
        Assert.DoesNotContain(secret, reader.GetString(1));
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_the_next_request()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/files", Ct)).StatusCode);

        using var admin = server.Admin();
        var revoked = await admin.DeleteAsync($"/admin/v1/tenants/{t.TenantId}/api-keys/{t.KeyId}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var after = await client.GetAsync("/v1/files", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("invalid_api_key", (await ErrorOf(after)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("sk-plat-key_doesnotexist.secret")]
    public async Task Missing_or_bad_keys_get_401_in_openai_error_shape(string? key)
    {
        using var client = server.Client(key);
        var response = await client.GetAsync("/v1/files", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
    }

    [Fact]
    public async Task A_key_with_a_real_id_and_a_wrong_secret_is_refused()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/files", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_suspended_tenant_gets_403_until_reactivated()
    {
        var t = await server.NewTenantAsync();
        using var admin = server.Admin();
        using var client = server.Client(t.Key);
        (await admin.PostAsync($"/admin/v1/tenants/{t.TenantId}/suspend", null, Ct)).EnsureSuccessStatusCode();
        var refused = await client.GetAsync("/v1/files", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("tenant_suspended", (await ErrorOf(refused)).GetProperty("code").GetString());

        (await admin.PostAsync($"/admin/v1/tenants/{t.TenantId}/reactivate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/files", Ct)).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_refuse_tenant_keys()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/v1/tenants", Ct)).StatusCode);
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/admin/v1/tenants", new { name = "x" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Tenant_names_are_unique_and_required()
    {
        using var admin = server.Admin();
        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/admin/v1/tenants", new { name }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/admin/v1/tenants", new { name }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = " " }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Listed_keys_show_the_prefix_but_never_the_secret()
    {
        var t = await server.NewTenantAsync();
        using var admin = server.Admin();
        var body = await admin.GetStringAsync($"/admin/v1/tenants/{t.TenantId}/api-keys", Ct);
        Assert.Contains(ApiKeySecret.DisplayPrefix(t.KeyId), body);
        Assert.DoesNotContain(t.Key[(t.Key.IndexOf('.') + 1)..], body);
    }

    internal static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
}
