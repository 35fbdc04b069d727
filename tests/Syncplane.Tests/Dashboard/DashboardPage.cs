using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Dashboard;

/// <summary>The dashboard open in a fresh browser context (its own localStorage), with what a user sees and does.</summary>
internal sealed partial class DashboardPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public IPage Page { get; } = page;

    /// <summary>Script errors and console errors the page had: printed when a test fails.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public ILocator Message => Page.Locator("#message");

    public ILocator Connection => Page.Locator("#connection");

    public static async Task<DashboardPage> OpenAsync(DashboardBrowser browser, TestServer server, ApiRole? role, int width = 1280, int height = 900)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        page.PageError += (_, error) => dashboard._errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                dashboard._errors.Add("console: " + message.Text);
            }
        };
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

    /// <summary>The note an action left beside its control in a target's row.</summary>
    public ILocator Note(string target, string field = "actions") => Cell(target, field).Locator("output.note");

    /// <summary>Opens a page of the dashboard by its address (#/checks, #/target/docs, …) without reloading.</summary>
    public async Task GoAsync(string hash)
    {
        await Page.EvaluateAsync("hash => { location.hash = hash; }", hash);
    }

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
            try
            {
                await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
                Console.Error.WriteLine($"dashboard screenshot: {file}");
            }
            catch (Exception screenshot) when (screenshot is PlaywrightException or TimeoutException)
            {
                Console.Error.WriteLine($"dashboard screenshot failed (the test's own error follows): {screenshot.Message}");
            }

            foreach (var error in _errors)
            {
                Console.Error.WriteLine("dashboard " + error);
            }

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
