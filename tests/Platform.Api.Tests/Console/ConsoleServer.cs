using Microsoft.Playwright;
using Platform.Api.Tests.Support;
using Platform.Testing;

namespace Platform.Api.Tests.Console;

/// <summary>
/// The real service plus headless Debian Chromium driven by Playwright, with one console admin and one viewer.
/// Screenshots go to artifacts/screenshots (git-ignored); with PLATFORM_DOCS_SCREENSHOTS=1 the main ones are also
/// copied to docs/console for docs/console.md.
/// </summary>
public sealed class ConsoleServer : PlatformServer
{
    public const string AdminEmail = OperatorServer.AdminEmail;
    public const string ViewerEmail = OperatorServer.ViewerEmail;
    public const string Password = OperatorServer.Password;

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var chromium = await TestChromium.EnsureInstalledAsync(ct);
        await base.InitializeAsync();
        await OperatorServer.AddOperatorsAsync(Services);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page on the service.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        // Browser-side problems go to the test output, to explain a page that never became interactive.
        page.Console += (_, m) => TestContext.Current.SendDiagnosticMessage($"browser {m.Type}: {m.Text} {m.Location}");
        page.RequestFailed += (_, r) => TestContext.Current.SendDiagnosticMessage($"browser request failed: {r.Url} {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) TestContext.Current.SendDiagnosticMessage($"browser got {r.Status} for {r.Request.Method} {r.Url}"); };
        return page;
    }

    public async Task<IPage> SignInOperatorAsync(string email, string password = Password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin/login");
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("[data-testid=signin]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return page;
    }

    public async Task<IPage> SignInTenantAsync(string apiKey)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/console/login");
        await page.FillAsync("input[name=apiKey]", apiKey);
        await page.ClickAsync("[data-testid=signin]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name, bool forDocs = false)
    {
        var root = RepoRoot();
        var path = Path.Combine(root, "artifacts", "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (forDocs && Environment.GetEnvironmentVariable("PLATFORM_DOCS_SCREENSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.Combine(root, "docs", "console"));
            File.Copy(path, Path.Combine(root, "docs", "console", name + ".png"), overwrite: true);
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Path.GetTempPath();
    }

    protected override async ValueTask BeforeDisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
