using Microsoft.Playwright;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// One headless Chromium for the dashboard tests: the system's (<c>/usr/bin/chromium</c>, or <c>SYNCPLANE_CHROMIUM</c>),
/// driven by Playwright. A missing browser fails the tests (scripts/test installs it); it never skips them.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where failure screenshots go: beside the test assembly.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("SYNCPLANE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"the dashboard tests need Chromium at {executable}: install it ('apt-get install -y chromium', as scripts/test does) or set SYNCPLANE_CHROMIUM");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"], // CI containers run as root without a large /dev/shm
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardBrowserGroup : ICollectionFixture<DashboardBrowser>
{
    public const string Name = "dashboard browser";
}
