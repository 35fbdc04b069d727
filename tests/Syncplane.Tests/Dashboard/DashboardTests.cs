using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// The dashboard's overview in headless Chromium against a real node (HTTP on 127.0.0.1, SQLite, a worker that
/// runs the targets' entrypoints for real).
/// </summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed partial class DashboardTests(DashboardBrowser browser) : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs:
            description: The documentation site
            entrypoint: "echo building docs"
          site:
            entrypoint: "true"
          broken:
            entrypoint: "echo about to fail; false"
            retry: { attempts: 1 }
          flaky:
            entrypoint: "if [ -f fixed ]; then echo ok; else echo 'upstream broke' >&2; exit 3; fi"
            retry: { attempts: 3, backoff: [1h] }
        """;

    private static readonly string[] Targets = ["docs", "site", "broken"];

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Open_WithAViewerToken_ListsEveryTargetWithItsStatusAndNeverShowsTheToken()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(Open_WithAViewerToken_ListsEveryTargetWithItsStatusAndNeverShowsTheToken), async () =>
        {
            foreach (var target in Targets)
            {
                await Expect(dashboard.Cell(target, "status")).ToHaveTextAsync("Idle");
                await Expect(dashboard.Cell(target, "counts")).ToHaveTextAsync("0 attempts | 0 changes");
                await Expect(dashboard.Cell(target, "attempted")).ToHaveTextAsync("never");
                await Expect(dashboard.Cell(target, "last-run")).ToHaveTextAsync("none");
            }

            await Expect(dashboard.Row("docs")).ToContainTextAsync("The documentation site");
            await Expect(dashboard.Cell("docs", "frequency")).ToHaveTextAsync("manual");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Page.Locator("#whoami")).ToContainTextAsync("viewer");
            var overflow = await dashboard.Page.EvaluateAsync<int>("() => { const s = document.querySelector('#targets').parentElement; return s.scrollWidth - s.clientWidth; }");
            Assert.True(overflow <= 0, $"at 1280px the targets table is {overflow}px wider than its panel");
            Assert.DoesNotContain(_server.Token(ApiRole.Viewer), await dashboard.Page.ContentAsync(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Open_WithoutAToken_AsksForOne_ThenWorksOnceOneIsEntered()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, role: null);
        await dashboard.RunAsync(nameof(Open_WithoutAToken_AsksForOne_ThenWorksOnceOneIsEntered), async () =>
        {
            await Expect(dashboard.Message).ToContainTextAsync("needs an API token");
            await Expect(dashboard.Page.Locator("#targets tbody tr")).ToHaveCountAsync(0);
            await Expect(dashboard.Connection).ToHaveTextAsync("offline");

            await dashboard.Page.GetByLabel("API token").FillAsync(_server.Token(ApiRole.Viewer));
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();

            await Expect(dashboard.Cell("docs", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Message).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task Open_OnAServerWithAnonymousViewers_ShowsTargetsWithoutATokenAndNoSyncNow()
    {
        await using var open = await TestServer.StartAsync(Yaml, anonymous: ApiRole.Viewer);
        await using var dashboard = await DashboardPage.OpenAsync(browser, open, role: null);
        await dashboard.RunAsync(nameof(Open_OnAServerWithAnonymousViewers_ShowsTargetsWithoutATokenAndNoSyncNow), async () =>
        {
            await Expect(dashboard.Cell("docs", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Page.Locator("#whoami")).ToHaveTextAsync("anonymous · viewer");
            await Expect(dashboard.Row("docs").GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task SyncNow_AsOperator_ShowsTheRunSucceedAndCountsTheAttempt_WithoutAReload()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(SyncNow_AsOperator_ShowsTheRunSucceedAndCountsTheAttempt_WithoutAReload), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Cell("docs", "counts")).ToHaveTextAsync("0 attempts | 0 changes");
            await dashboard.MarkDocumentAsync();

            await dashboard.SyncNowAsync("docs");

            await Expect(dashboard.Note("docs")).ToHaveTextAsync(QueuedAsRun());
            await Expect(dashboard.Cell("docs", "last-run")).ToContainTextAsync("Succeeded");
            await Expect(dashboard.Cell("docs", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Cell("docs", "counts")).ToHaveTextAsync(AttemptsOne());
            await Expect(dashboard.Cell("docs", "completed")).ToHaveTextAsync(Ago());
            await Expect(dashboard.Page.Locator("#feed")).ToContainTextAsync("run.succeeded");
            Assert.True(await dashboard.IsSameDocumentAsync(), "the page reloaded; it must update live");

            await dashboard.Row("docs").GetByRole(AriaRole.Link, new() { Name = "docs", Exact = true }).ClickAsync();
            var run = dashboard.Page.Locator("#runs tbody tr[data-run]").First;
            await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Succeeded");
            await run.GetByRole(AriaRole.Button, new() { Name = "Log" }).ClickAsync();
            await Expect(dashboard.Page.Locator(".log")).ToContainTextAsync("building docs");
            Assert.True(await dashboard.IsSameDocumentAsync(), "opening the target page reloaded the document");
        });
    }

    [Fact]
    public async Task Frequency_ChangedByAnAdmin_IsShownAndSurvivesAReload()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin);
        await dashboard.RunAsync(nameof(Frequency_ChangedByAnAdmin_IsShownAndSurvivesAReload), async () =>
        {
            await Expect(dashboard.Frequency("site")).ToHaveValueAsync("manual");

            await dashboard.Frequency("site").SelectOptionAsync("10min");

            await Expect(dashboard.Note("site", "frequency")).ToContainTextAsync("Frequency of site set to 10min");
            await dashboard.Page.ReloadAsync();
            await Expect(dashboard.Cell("site", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Frequency("site")).ToHaveValueAsync("10min");
            await Expect(dashboard.Frequency("docs")).ToHaveValueAsync("manual");
            var states = await _server.Store.ListTargetStatesAsync(CancellationToken.None);
            Assert.Equal("10min", states.Single(s => s.Target == "site").FrequencyOverride);
        });
    }

    [Fact]
    public async Task FailingTarget_ShowsErrorAndItsLastErrorWithItsTime()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(FailingTarget_ShowsErrorAndItsLastErrorWithItsTime), async () =>
        {
            await Expect(dashboard.Cell("broken", "status")).ToHaveTextAsync("Idle");

            await dashboard.SyncNowAsync("broken");

            await Expect(dashboard.Cell("broken", "status")).ToHaveTextAsync("Error");
            await Expect(dashboard.Cell("broken", "last-run")).ToContainTextAsync("Failed");
            var state = (await _server.Store.ListTargetStatesAsync(CancellationToken.None)).Single(s => s.Target == "broken");
            Assert.False(string.IsNullOrWhiteSpace(state.LastError));
            await Expect(dashboard.Cell("broken", "error").Locator(".error-text")).ToHaveTextAsync(state.LastError!);
            await Expect(dashboard.Cell("broken", "error").Locator(".when")).ToHaveTextAsync(Ago());
            await Expect(dashboard.Cell("broken", "attempted")).ToHaveTextAsync(Ago());
            await Expect(dashboard.Page.Locator("#targets thead th").Nth(5)).ToHaveTextAsync("Last successful sync");
            await Expect(dashboard.Cell("broken", "completed")).ToHaveTextAsync("never"); // a failed run is no successful sync
            await Expect(dashboard.Cell("docs", "status")).ToHaveTextAsync("Idle");
        });
    }

    [Fact]
    public async Task RetryingTarget_ShowsRetryingWithTheAttemptAndError_ThenAfterRecoveryTheErrorIsResolvedNotRedWithItsTime()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(RetryingTarget_ShowsRetryingWithTheAttemptAndError_ThenAfterRecoveryTheErrorIsResolvedNotRedWithItsTime), async () =>
        {
            await dashboard.SyncNowAsync("flaky");

            await Expect(dashboard.Cell("flaky", "status")).ToHaveTextAsync("Retrying");
            await Expect(dashboard.Cell("flaky", "error")).ToContainTextAsync("Attempt 2 of 3 in 1 h after:");
            await Expect(dashboard.Cell("flaky", "error").Locator(".error-text")).ToContainTextAsync("upstream broke");

            _server.Directory.Write("fixed", "");
            await dashboard.SyncNowAsync("flaky");

            await Expect(dashboard.Cell("flaky", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Cell("flaky", "error")).ToContainTextAsync("Resolved:");
            await Expect(dashboard.Cell("flaky", "error")).ToContainTextAsync("upstream broke");
            await Expect(dashboard.Cell("flaky", "error").Locator(".when")).ToHaveTextAsync(Ago());
            await Expect(dashboard.Cell("flaky", "error").Locator(".error-text")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task NarrowScreen_ShowsTheTargetsWithoutWideningThePage()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin, width: 390, height: 844);
        await dashboard.RunAsync(nameof(NarrowScreen_ShowsTheTargetsWithoutWideningThePage), async () =>
        {
            await Expect(dashboard.Cell("docs", "status")).ToHaveTextAsync("Idle");
            await Expect(dashboard.Page.GetByLabel("API token")).ToBeVisibleAsync();
            var pageWidth = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(pageWidth <= 390, $"the page is {pageWidth}px wide on a 390px screen; tables should scroll inside their panels");
            var sync = dashboard.Row("docs").GetByRole(AriaRole.Button, new() { Name = "Sync now" });
            await sync.ScrollIntoViewIfNeededAsync();
            await Expect(sync).ToBeVisibleAsync();

            await dashboard.GoAsync("#/target/docs");
            await Expect(dashboard.Page.Locator("#target-heading")).ToContainTextAsync("docs");
            pageWidth = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(pageWidth <= 390, $"the target page is {pageWidth}px wide on a 390px screen");
        });
    }

    [GeneratedRegex(@"^1 attempt \| [01] changes?")]
    private static partial Regex AttemptsOne();

    [GeneratedRegex(@"just now|\d+ s ago")]
    internal static partial Regex Ago();

    [GeneratedRegex(@"^Queued as run #\d+")]
    private static partial Regex QueuedAsRun();
}
