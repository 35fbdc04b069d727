using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>Every page of the dashboard and its actions, against the fleet of <see cref="FleetDashboard"/>.</summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardPagesTests(DashboardBrowser browser) : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(FleetDashboard.Yaml());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Overview_CountsByStatus_SearchFilterAndSort_ProblemsFirst()
    {
        await FleetDashboard.RunAsync(_server.Store, "t12", RunStatus.Failed, "boom");
        await FleetDashboard.RunAsync(_server.Store, "t13", RunStatus.Failed, "bang");
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(Overview_CountsByStatus_SearchFilterAndSort_ProblemsFirst), async () =>
        {
            var rows = dashboard.Page.Locator("#targets tbody tr");
            await Expect(rows).ToHaveCountAsync(FleetDashboard.Quick + 3);
            await Expect(dashboard.Page.Locator("[data-card=error] strong")).ToHaveTextAsync("2");
            await Expect(dashboard.Page.Locator("[data-card=failing] strong")).ToHaveTextAsync("2");
            await Expect(dashboard.Page.Locator("[data-card=targets] strong")).ToHaveTextAsync($"{FleetDashboard.Quick + 3}");
            await Expect(dashboard.Page.Locator("[data-card=checks]")).ToContainTextAsync("1 down");
            await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-target", "t12"); // problems first
            await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-target", "t13");

            await dashboard.Page.GetByLabel("Search").FillAsync("t2");
            await Expect(rows).ToHaveCountAsync(6); // t20 … t25
            await dashboard.Page.GetByLabel("Search").FillAsync("");
            await dashboard.Page.Locator("#filter-layer").SelectOptionAsync("events");
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(rows.First).ToHaveAttributeAsync("data-target", "slow");
            await dashboard.Page.Locator("#filter-layer").SelectOptionAsync("");
            await dashboard.Page.Locator("[data-card=error]").ClickAsync();
            await Expect(rows).ToHaveCountAsync(2);
            await dashboard.Page.GetByLabel("Status").SelectOptionAsync("");
            await dashboard.Page.GetByLabel("Sort").SelectOptionAsync("name");
            await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-target", "gated");

            var header = dashboard.Page.Locator("#targets thead th").First;
            await dashboard.Page.Mouse.WheelAsync(0, 600);
            await Expect(header).ToBeInViewportAsync();
        });
    }

    [Fact]
    public async Task TargetPage_ShowsResultsChartsLastPlanAndPagesThroughItsRuns()
    {
        for (var i = 0; i < 23; i++)
        {
            await FleetDashboard.RunAsync(_server.Store, "t06", i % 5 == 4 ? RunStatus.Failed : RunStatus.Succeeded, $"run {i}",
                i == 22 ? new PlanSummary(1, 2, 0, 3, 10) : null);
        }

        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(TargetPage_ShowsResultsChartsLastPlanAndPagesThroughItsRuns), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.GoAsync("#/target/t06");

            await Expect(dashboard.Page.Locator("#target-heading")).ToContainTextAsync("t06");
            await Expect(dashboard.Page.Locator(".result-bar rect")).ToHaveCountAsync(23);
            await Expect(dashboard.Page.Locator(".result-bar rect[data-status=failed]")).ToHaveCountAsync(4);
            await Expect(dashboard.Page.Locator("svg.chart")).ToHaveCountAsync(2);
            await Expect(dashboard.Page.Locator("svg.chart").First).ToHaveAttributeAsync("aria-label", "Success rate per day");
            await Expect(dashboard.Page.Locator("[data-field=plan]")).ToContainTextAsync("+1 ~2 −0 =3 — 3 changes — run 22");
            var runs = dashboard.Page.Locator("#runs tbody tr[data-run]");
            await Expect(runs).ToHaveCountAsync(20);
            await Expect(runs.First).ToContainTextAsync("run 22");

            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Older runs" }).ClickAsync();
            await Expect(runs).ToHaveCountAsync(3);
            await Expect(runs.Last).ToContainTextAsync("run 0");
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Newer runs" }).ClickAsync();
            await Expect(runs).ToHaveCountAsync(20);

            await FleetDashboard.RunAsync(_server.Store, "t06", RunStatus.Succeeded, "run 23");
            await Expect(runs.First).ToContainTextAsync("run 23"); // live, on the first page
            await SaveScreenshotAsync(dashboard.Page, "dashboard-target.png");
        });
    }

    [Fact]
    public async Task RunDetail_ShowsLevels_FiltersThem_AndDownloadsTheLog()
    {
        var now = DateTimeOffset.UtcNow;
        var id = await FleetDashboard.RunAsync(_server.Store, "t08", RunStatus.Failed, "exit 3", null,
            new LogLine(now, LogLevel.Info, "starting"), new LogLine(now, LogLevel.Warning, "slow upstream"), new LogLine(now, LogLevel.Error, "gave up"));
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(RunDetail_ShowsLevels_FiltersThem_AndDownloadsTheLog), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.GoAsync($"#/target/t08/run/{id}");

            var log = dashboard.Page.Locator(".run-detail .log li");
            await Expect(log).ToHaveCountAsync(3);
            await Expect(log.Nth(1)).ToHaveAttributeAsync("data-level", "warning");
            await Expect(dashboard.Page.Locator(".run-detail")).ToContainTextAsync("exit 3");
            await dashboard.Page.GetByLabel("Show").SelectOptionAsync("error");
            await Expect(dashboard.Page.Locator(".run-detail .log li:visible")).ToHaveCountAsync(1);
            await Expect(dashboard.Page.Locator(".run-detail .log li:visible")).ToContainTextAsync("gave up");

            var download = await dashboard.Page.RunAndWaitForDownloadAsync(() => dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Download log" }).ClickAsync());
            Assert.Equal($"run-{id}.log", download.SuggestedFilename);
            var text = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Contains("WARNING slow upstream", text, StringComparison.Ordinal);
            Assert.Contains("ERROR gave up", text, StringComparison.Ordinal);

            await dashboard.Page.Keyboard.PressAsync("Escape");
            await Expect(dashboard.Page.Locator(".run-detail")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task RunningRun_StreamsItsLog_AndCancelStopsAQueuedRun()
    {
        // Runs of slow wait for the test's release file: each step waits on a state, never on a run's timing.
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(RunningRun_StreamsItsLog_AndCancelStopsAQueuedRun), async () =>
        {
            try
            {
                await Expect(dashboard.Connection).ToHaveTextAsync("live");
                await dashboard.GoAsync("#/target/slow");
                var sync = dashboard.Page.Locator(".target-head").GetByRole(AriaRole.Button, new() { Name = "Sync now" });
                await sync.ClickAsync();
                var run = dashboard.Page.Locator("#runs tbody tr[data-run]").First;
                await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Running", new() { Timeout = 15_000 });

                await run.GetByRole(AriaRole.Button, new() { Name = "Log" }).ClickAsync();
                var detail = dashboard.Page.Locator(".run-detail");
                await Expect(detail.Locator(".log")).ToContainTextAsync("first line");
                await Expect(detail).ToContainTextAsync("following the log");
                await Expect(detail.Locator(".log")).Not.ToContainTextAsync("second line");
                FleetDashboard.ReleaseSlow(_server, true);
                await Expect(detail.Locator(".log")).ToContainTextAsync("second line", new() { Timeout = 15_000 });
                await Expect(detail).ToContainTextAsync("run finished");
                await detail.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

                FleetDashboard.ReleaseSlow(_server, false);
                await sync.ClickAsync();
                await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Running", new() { Timeout = 15_000 });
                var running = await run.GetAttributeAsync("data-run");
                await sync.ClickAsync(); // queued behind the running one, which holds until released
                await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Queued");
                await run.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
                await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();
                await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Cancelled", new() { Timeout = 15_000 });

                FleetDashboard.ReleaseSlow(_server, true);
                await Expect(dashboard.Page.Locator($"#runs tbody tr[data-run=\"{running}\"] [data-field=status]")).ToHaveTextAsync("Succeeded", new() { Timeout = 15_000 });
            }
            finally
            {
                FleetDashboard.ReleaseSlow(_server, true);
            }
        });
    }

    [Fact]
    public async Task Retry_QueuesAFreshRunOfAFailedRun_AndPauseResumeWorkForAnAdmin()
    {
        await FleetDashboard.RunAsync(_server.Store, "t10", RunStatus.Failed, "boom");
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin);
        await dashboard.RunAsync(nameof(Retry_QueuesAFreshRunOfAFailedRun_AndPauseResumeWorkForAnAdmin), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.GoAsync("#/target/t10");
            var runs = dashboard.Page.Locator("#runs tbody tr[data-run]");
            await runs.First.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
            await Expect(runs.First.Locator("output.note")).ToContainTextAsync("Queued as run #");
            await Expect(runs).ToHaveCountAsync(2);
            await Expect(runs.First.Locator("[data-field=status]")).ToHaveTextAsync("Succeeded", new() { Timeout = 15_000 });

            await dashboard.Page.Locator("[data-action=pause]").ClickAsync();
            await dashboard.Page.Locator(".confirm").GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
            await Expect(dashboard.Page.Locator("#target-heading")).ToContainTextAsync("Paused");
            Assert.NotNull((await _server.Store.ListTargetStatesAsync(CancellationToken.None)).Single(s => s.Target == "t10").PausedReason);
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
            await Expect(dashboard.Page.Locator("#target-heading")).Not.ToContainTextAsync("Paused");
        });
    }

    [Fact]
    public async Task ChecksPage_GroupsBySection_WithResultsUptimeAndIncidents()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(ChecksPage_GroupsBySection_WithResultsUptimeAndIncidents), async () =>
        {
            await Expect(dashboard.Page.Locator("[data-card=checks]")).ToContainTextAsync("1 down");
            await dashboard.Page.GetByRole(AriaRole.Link, new() { Name = "Checks", Exact = true }).ClickAsync();

            var section = dashboard.Page.GetByRole(AriaRole.Region, new() { Name = "Gates" });
            var card = section.Locator("article[data-check=gate]");
            await Expect(card.Locator("h4")).ToContainTextAsync("The gate");
            await Expect(card.Locator("h4 .badge")).ToHaveTextAsync("Down");
            await Expect(card.Locator(".result-bar rect[data-status=down]").First).ToBeAttachedAsync();
            await Expect(card).ToContainTextAsync("Uptime 24 h0.00%");
            await Expect(card).ToContainTextAsync("Uptime 30 d0.00%");
            await Expect(card.Locator("details summary")).ToContainTextAsync("1 incident");
            await SaveScreenshotAsync(dashboard.Page, "dashboard-checks.png");
        });
    }

    [Fact]
    public async Task LayersPage_GroupsTargetsByLayer_WithTheHealthOfEach()
    {
        await FleetDashboard.RunAsync(_server.Store, "t02", RunStatus.Failed, "git push rejected");
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(LayersPage_GroupsTargetsByLayer_WithTheHealthOfEach), async () =>
        {
            await dashboard.Page.GetByRole(AriaRole.Link, new() { Name = "Layers" }).ClickAsync();

            var git = dashboard.Page.Locator("section[data-layer=git]");
            await Expect(git.Locator("h3")).ToContainTextAsync("git");
            await Expect(git.Locator("h3 .badge")).ToHaveTextAsync("failing");
            await Expect(git.Locator("[data-field=layer-counts]")).ToContainTextAsync("12 targets: 11 without error, 1 failing");
            await Expect(git).ToContainTextAsync("git push rejected");
            await Expect(dashboard.Page.Locator("section[data-layer=api] h3 .badge")).ToHaveTextAsync("healthy");
            await Expect(dashboard.Page.Locator("section[data-layer=api] li")).ToHaveCountAsync(14);
            await Expect(dashboard.Page.Locator("section[data-layer='']")).ToContainTextAsync("long-error");

            await FleetDashboard.RunAsync(_server.Store, "t02", RunStatus.Succeeded);
            await Expect(git.Locator("h3 .badge")).ToHaveTextAsync("healthy"); // live
            await SaveScreenshotAsync(dashboard.Page, "dashboard-layers.png");
        });
    }

    [Fact]
    public async Task Keyboard_ReachesSyncNowAndRunsIt_AndDarkModeFollowsTheSystem()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(Keyboard_ReachesSyncNowAndRunsIt_AndDarkModeFollowsTheSystem), async () =>
        {
            await dashboard.Page.GetByLabel("Search").FillAsync("t14");
            await Expect(dashboard.Page.Locator("#targets tbody tr")).ToHaveCountAsync(1);
            await dashboard.Row("t14").GetByRole(AriaRole.Link, new() { Name = "t14" }).FocusAsync();
            for (var i = 0; i < 12 && !await dashboard.Page.EvaluateAsync<bool>("() => document.activeElement?.dataset.action === 'sync'"); i++)
            {
                await dashboard.Page.Keyboard.PressAsync("Tab");
            }

            await dashboard.Page.Keyboard.PressAsync("Enter");
            await Expect(dashboard.Note("t14")).ToContainTextAsync("Queued as run #");
            await Expect(dashboard.Cell("t14", "last-run")).ToContainTextAsync("Succeeded", new() { Timeout = 15_000 });

            var light = await dashboard.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            await dashboard.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            var dark = await dashboard.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            Assert.Equal("rgb(246, 247, 249)", light);
            Assert.Equal("rgb(20, 23, 28)", dark);
            await SaveScreenshotAsync(dashboard.Page, "dashboard-dark.png");
        });
    }

    [Fact]
    public async Task Screenshot_Overview()
    {
        await FleetDashboard.RunAsync(_server.Store, "t12", RunStatus.Failed, "upstream answered 502 Bad Gateway");
        await FleetDashboard.RunAsync(_server.Store, "t03", RunStatus.Failed, "token expired");
        await FleetDashboard.RunAsync(_server.Store, "t03", RunStatus.Succeeded, "ok", new PlanSummary(2, 1, 0, 40, 100));
        await FleetDashboard.RunAsync(_server.Store, "long-error", RunStatus.Failed, FleetDashboard.LongError);
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin, width: 1400);
        await dashboard.RunAsync(nameof(Screenshot_Overview), async () =>
        {
            await dashboard.SyncNowAsync("gated");
            await Expect(dashboard.Cell("gated", "last-run")).ToContainTextAsync("Refused");
            await Expect(dashboard.Page.Locator("#feed li").First).ToBeVisibleAsync();
            await SaveScreenshotAsync(dashboard.Page, "dashboard.png");
        });
    }

    /// <summary>With SYNCPLANE_DASHBOARD_SCREENSHOTS=DIR (docs/), saves the page as docs/dashboard.md shows it.</summary>
    internal static async Task SaveScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("SYNCPLANE_DASHBOARD_SCREENSHOTS") is { Length: > 0 } directory)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name), FullPage = true });
        }
    }
}
