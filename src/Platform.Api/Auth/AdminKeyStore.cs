using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Api.Hosting;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Domain.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Holds the admin key's hash. On start: PLATFORM_ADMIN_KEY (Admin:Key) replaces the stored hash when set;
/// otherwise a key is generated on first start, stored hashed, and printed once.
/// </summary>
public sealed partial class AdminKeyStore(
    IDbContextFactory<PlatformDbContext> dbFactory, IOptions<AdminOptions> options, TimeProvider clock, ILogger<AdminKeyStore> logger)
    : IHostedService
{
    public byte[]? Hash { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.AdminCredentials.SingleOrDefaultAsync(a => a.Id == 1, cancellationToken);
        var configured = options.Value.Key;
        if (!string.IsNullOrEmpty(configured))
        {
            row ??= db.AdminCredentials.Add(new AdminCredential { Id = 1, SecretHash = [] }).Entity;
            row.SecretHash = ApiKeySecret.Hash(configured);
            row.CreatedAt = clock.GetUtcNow();
        }
        else if (row is null)
        {
            var generated = "sk-admin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            row = db.AdminCredentials.Add(new AdminCredential { Id = 1, SecretHash = ApiKeySecret.Hash(generated), CreatedAt = clock.GetUtcNow() }).Entity;
            Console.WriteLine($"Admin key (shown once; store it now): {generated}");
            LogGenerated(logger);
        }
        await db.SaveChangesAsync(cancellationToken);
        Hash = row.SecretHash;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No PLATFORM_ADMIN_KEY set: generated an admin key and printed it once")]
    private static partial void LogGenerated(ILogger logger);
}
