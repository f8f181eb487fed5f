using Microsoft.AspNetCore.Hosting.StaticWebAssets;

namespace Platform.Api.Hosting;

/// <summary>
/// Where the console's static files (MudBlazor's css/js, console.css) are found. A build describes them in
/// Platform.Api's static-web-assets manifests, which are copied next to whichever program hosts the API (the
/// platform CLI, a test host), so they are named here rather than looked up by the entry assembly's name.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly string Name = typeof(PlatformApp).Assembly.GetName().Name!;
    private static string Manifest(string kind) => Path.Combine(AppContext.BaseDirectory, $"{Name}.staticwebassets.{kind}.json");

    /// <summary>In a build (not a publish), the files stay in the package cache and source folders: map them in.</summary>
    public static WebApplicationBuilder UseConsoleAssets(this WebApplicationBuilder builder)
    {
        if (File.Exists(Manifest("runtime")))
            StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [WebHostDefaults.StaticWebAssetsKey] = Manifest("runtime") }).Build());
        return builder;
    }

    /// <summary>The endpoints manifest for MapStaticAssets, or null to serve wwwroot as plain static files.</summary>
    public static string? EndpointsManifest => File.Exists(Manifest("endpoints")) ? Manifest("endpoints") : null;
}
