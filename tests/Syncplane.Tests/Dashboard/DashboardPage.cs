using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Dashboard;

/// <summary>The dashboard open in a fresh browser context (its own localStorage), with what a user sees and does.</summary>
internal sealed partial class DashboardPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ILocator Message => Page.Locator("#message");

    public ILocator Connection => Page.Locator("#connection");

    public static async Task<DashboardPage> OpenAsync(DashboardBrowser browser, TestServer server, ApiRole? role, int width = 1280, int height = 900)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        await page.GotoAsync(server.BaseAddress.ToString());
        if (role is { } r)
        {
            await page.GetByLabel("API token").FillAsync(server.Token(r));
            await page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();
        }

        return dashboard;
    }

    /// <summary>The table row of a target.</summary>
    public ILocator Row(string target) => Page.Locator($"#targets tbody tr[data-target=\"{target}\"]");

    public ILocator Cell(string target, string field) => Row(target).Locator($"[data-field=\"{field}\"]");

    public ILocator Frequency(string target) => Page.GetByLabel($"Frequency of {target}");

    public Task SyncNowAsync(string target) => Row(target).GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();

    /// <summary>Marks the current document, so a test can tell that the page was not reloaded since.</summary>
    public Task MarkDocumentAsync() => Page.EvaluateAsync("() => { window.__syncplaneTestMark = 'still here'; }");

    public async Task<bool> IsSameDocumentAsync() => await Page.EvaluateAsync<string?>("() => window.__syncplaneTestMark ?? null") == "still here";

    /// <summary>Runs <paramref name="steps"/>; on failure, saves a screenshot named after the test into the test output, then rethrows.</summary>
    public async Task RunAsync(string testName, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception)
        {
            Directory.CreateDirectory(DashboardBrowser.ScreenshotDirectory);
            var file = Path.Combine(DashboardBrowser.ScreenshotDirectory, Unsafe().Replace(testName, "_") + ".png");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            Console.Error.WriteLine($"dashboard screenshot: {file}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}
