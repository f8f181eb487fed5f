using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Data;

public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddPlatformData(this IServiceCollection services, string connectionString) =>
        services.AddDbContextFactory<PlatformDbContext>(o => Configure(o, connectionString));

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly("Platform.Migrations"))
               .UseSnakeCaseNamingConvention();
}
