using Syncplane.Engine;
using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>The defects issue 16 lists, each seen the way a user saw it, against a fleet of 28 targets and a down check.</summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardDefectTests(DashboardBrowser browser) : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(FleetDashboard.Yaml());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task LastRun_IsEachTargetsOwn_EvenWhenTheLatest20RunsOverallAreAllOneTarget()
    {
        var own = new Dictionary<string, long>();
        for (var i = 1; i <= FleetDashboard.Quick; i++)
        {
            own[FleetDashboard.Name(i)] = await FleetDashboard.RunAsync(_server.Store, FleetDashboard.Name(i), i == 7 ? RunStatus.Failed : RunStatus.Succeeded);
        }

        for (var i = 0; i < 21; i++)
        {
            own["t01"] = await FleetDashboard.RunAsync(_server.Store, "t01", RunStatus.Succeeded);
        }

        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(LastRun_IsEachTargetsOwn_EvenWhenTheLatest20RunsOverallAreAllOneTarget), async () =>
        {
            foreach (var (target, id) in own)
            {
                await Expect(dashboard.Cell(target, "last-run")).ToHaveTextAsync($"{(target == "t07" ? "Failed" : "Succeeded")} #{id}");
            }

            await Expect(dashboard.Cell("gated", "last-run")).ToHaveTextAsync("none");
        });
    }

    [Fact]
    public async Task LastError_AfterRecovery_IsGreyResolvedWithItsTime_NotRed()
    {
        await FleetDashboard.RunAsync(_server.Store, "t03", RunStatus.Failed, "token expired");
        await FleetDashboard.RunAsync(_server.Store, "t03", RunStatus.Succeeded);
        await FleetDashboard.RunAsync(_server.Store, "t05", RunStatus.Failed, "disk full");

        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(LastError_AfterRecovery_IsGreyResolvedWithItsTime_NotRed), async () =>
        {
            var recovered = dashboard.Cell("t03", "error");
            await Expect(recovered).ToContainTextAsync("Resolved: token expired");
            await Expect(recovered.Locator(".error-text")).ToHaveCountAsync(0);
            await Expect(recovered.Locator(".when")).ToHaveTextAsync(DashboardTests.Ago());
            var failing = dashboard.Cell("t05", "error");
            await Expect(failing.Locator(".error-text")).ToHaveTextAsync("disk full");
            await Expect(failing.Locator(".when")).ToHaveTextAsync(DashboardTests.Ago());
        });
    }

    [Fact]
    public async Task RunRefusedByADownRequiredCheck_ShowsRefusedWithTheReason_AndCanBeFilteredFor()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(RunRefusedByADownRequiredCheck_ShowsRefusedWithTheReason_AndCanBeFilteredFor), async () =>
        {
            await dashboard.SyncNowAsync("gated");

            await Expect(dashboard.Cell("gated", "last-run")).ToContainTextAsync("Refused");
            await Expect(dashboard.Cell("gated", "error")).ToContainTextAsync("Refused: skipped: required check 'gate' is down");
            await Expect(dashboard.Page.Locator("[data-card=refused] strong")).ToHaveTextAsync("1");

            await dashboard.Page.GetByLabel("Status").SelectOptionAsync("refused");

            await Expect(dashboard.Page.Locator("#targets tbody tr")).ToHaveCountAsync(1);
            await Expect(dashboard.Row("gated")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Outage_MarksTheDataStale_AndTheBannerGoesAsSoonAsTheServerIsBack()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(Outage_MarksTheDataStale_AndTheBannerGoesAsSoonAsTheServerIsBack), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");

            await _server.StopAsync();

            await Expect(dashboard.Connection).ToContainTextAsync("reconnecting… (data from");
            await Expect(dashboard.Message).ToContainTextAsync("Lost the server");
            await Expect(dashboard.Page.Locator("body")).ToHaveAttributeAsync("data-stale", "true");

            await _server.StartAgainAsync();

            // The stream retries every 2 s (the server's retry:); the default 5 s expectation is the bound.
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Message).ToBeHiddenAsync();
            await Expect(dashboard.Page.Locator("body")).Not.ToHaveAttributeAsync("data-stale", "true");
            await FleetDashboard.RunAsync(_server.Store, "t02", RunStatus.Succeeded);
            await Expect(dashboard.Cell("t02", "last-run")).ToContainTextAsync("Succeeded");
        });
    }

    [Fact]
    public async Task CheckChanged_InTheFeed_NamesTheCheckAndItsNewStatus()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(CheckChanged_InTheFeed_NamesTheCheckAndItsNewStatus), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            var previous = (await _server.Store.ListLatestCheckResultsAsync(CancellationToken.None)).SingleOrDefault(r => r.Name == "gate");

            await CheckRecorder.RecordAsync(_server.Store, new CheckResult
            {
                Name = "gate", Kind = "http", Status = previous?.Status == CheckStatus.Healthy ? CheckStatus.Down : CheckStatus.Healthy,
                Message = "200 OK in 12 ms", LatencyMs = 12, CheckedAt = DateTimeOffset.UtcNow,
            }, previous, CancellationToken.None);

            var line = dashboard.Page.Locator("#feed li[data-type='check.changed']").First;
            await Expect(line).ToContainTextAsync("check gate:");
            await Expect(line.Locator(".badge")).ToHaveTextAsync(previous?.Status == CheckStatus.Healthy ? "Down" : "Healthy");
            await Expect(line).ToContainTextAsync("200 OK in 12 ms");
        });
    }

    [Fact]
    public async Task ConfirmationsAndTheLog_OpenNextToTheControlThatCausedThem()
    {
        for (var i = 0; i < 3; i++)
        {
            await FleetDashboard.RunAsync(_server.Store, "t20", RunStatus.Succeeded, log: new LogLine(DateTimeOffset.UtcNow, LogLevel.Info, $"line {i}"));
        }

        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin, height: 700);
        await dashboard.RunAsync(nameof(ConfirmationsAndTheLog_OpenNextToTheControlThatCausedThem), async () =>
        {
            await dashboard.Page.GetByLabel("Sort").SelectOptionAsync("name");
            var button = dashboard.Row("t24").GetByRole(AriaRole.Button, new() { Name = "Sync now" });
            await button.ScrollIntoViewIfNeededAsync();
            await button.ClickAsync();
            await Expect(dashboard.Note("t24")).ToContainTextAsync("Queued as run #");
            await AssertNearAsync(button, dashboard.Note("t24"), "the Sync now confirmation");
            await Expect(dashboard.Note("t24")).ToBeInViewportAsync();

            await dashboard.GoAsync("#/target/t20");
            var runs = dashboard.Page.Locator("#runs tbody tr[data-run]");
            await Expect(runs).ToHaveCountAsync(3);
            var log = runs.Nth(2).GetByRole(AriaRole.Button, new() { Name = "Log" });
            await log.ClickAsync();
            var panel = dashboard.Page.Locator(".run-detail");
            await Expect(panel.Locator(".log")).ToContainTextAsync("line 0");
            await AssertNearAsync(log, panel, "the log panel");

            var pause = dashboard.Page.Locator(".target-head [data-action=pause]");
            await pause.ClickAsync();
            var confirm = dashboard.Page.Locator(".confirm");
            await Expect(confirm).ToContainTextAsync("Stop scheduling t20?");
            await AssertNearAsync(pause, confirm, "the pause confirmation");
        });
    }

    [Fact]
    public async Task At1400px_EverySyncNowButtonIsInView_AndALongErrorKeepsItsRowShort()
    {
        await FleetDashboard.RunAsync(_server.Store, "long-error", RunStatus.Failed, FleetDashboard.LongError);
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator, width: 1400);
        await dashboard.RunAsync(nameof(At1400px_EverySyncNowButtonIsInView_AndALongErrorKeepsItsRowShort), async () =>
        {
            await Expect(dashboard.Cell("long-error", "error")).ToContainTextAsync("upstream answered 502");
            var buttons = dashboard.Page.Locator("#targets tbody").GetByRole(AriaRole.Button, new() { Name = "Sync now" });
            await Expect(buttons).ToHaveCountAsync(FleetDashboard.Quick + 3);
            var overflow = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - innerWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than 1400px");
            var clipped = await dashboard.Page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('#targets [data-action=sync]')].filter(b => b.getBoundingClientRect().right > innerWidth || b.getBoundingClientRect().width < 20).map(b => b.closest('tr').dataset.target)");
            Assert.Empty(clipped);
            var tall = (await dashboard.Row("long-error").BoundingBoxAsync())!.Height;
            var plain = (await dashboard.Row("t01").BoundingBoxAsync())!.Height;
            Assert.True(tall <= 80, $"the row with a long error is {tall}px tall (a plain row: {plain}px)");
            await Expect(dashboard.Cell("long-error", "error").Locator(".error-text")).ToHaveAttributeAsync("title", FleetDashboard.LongError);
        });
    }

    [Fact]
    public async Task FrequencyOverride_IsMarked_AndUseConfigGoesBackToTheConfigsSchedule()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin);
        await dashboard.RunAsync(nameof(FrequencyOverride_IsMarked_AndUseConfigGoesBackToTheConfigsSchedule), async () =>
        {
            var cell = dashboard.Cell("t04", "frequency");
            await Expect(cell.Locator(".override")).ToHaveCountAsync(0);

            await dashboard.Frequency("t04").SelectOptionAsync("hourly");

            await Expect(cell.Locator(".override")).ToHaveTextAsync("override");
            await cell.GetByRole(AriaRole.Button, new() { Name = "Use config" }).ClickAsync();

            await Expect(cell).ToContainTextAsync("Back to the config's schedule (manual)");
            await Expect(cell.Locator(".override")).ToHaveCountAsync(0);
            await Expect(dashboard.Frequency("t04")).ToHaveValueAsync("manual");
            var state = (await _server.Store.ListTargetStatesAsync(CancellationToken.None)).SingleOrDefault(s => s.Target == "t04");
            Assert.Null(state?.FrequencyOverride);
        });
    }

    [Theory]
    [InlineData(ApiRole.Viewer, false, false)]
    [InlineData(ApiRole.Operator, true, false)]
    [InlineData(ApiRole.Admin, true, true)]
    public async Task Controls_AreShownOnlyToRolesThatMayUseThem(ApiRole role, bool sync, bool settings)
    {
        await FleetDashboard.RunAsync(_server.Store, "t09", RunStatus.Failed, "boom");
        await _server.Store.SetFrequencyOverrideAsync("t09", "daily", CancellationToken.None);
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, role);
        await dashboard.RunAsync(nameof(Controls_AreShownOnlyToRolesThatMayUseThem) + role, async () =>
        {
            await Expect(dashboard.Cell("t09", "frequency")).ToContainTextAsync("daily");
            await Expect(dashboard.Cell("t09", "frequency").Locator(".override")).ToBeVisibleAsync();
            await Expect(dashboard.Row("t09").GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToHaveCountAsync(sync ? 1 : 0);
            await Expect(dashboard.Row("t09").Locator("select")).ToHaveCountAsync(settings ? 1 : 0);
            await Expect(dashboard.Row("t09").GetByRole(AriaRole.Button, new() { Name = "Use config" })).ToHaveCountAsync(settings ? 1 : 0);

            await dashboard.GoAsync("#/target/t09");
            await Expect(dashboard.Page.Locator("#runs tbody tr[data-run]")).ToHaveCountAsync(1);
            await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(sync ? 1 : 0);
            await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveCountAsync(settings ? 1 : 0);
            await Expect(dashboard.Page.Locator(".target-head").GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToHaveCountAsync(sync ? 1 : 0);
        });
    }

    [Fact]
    public async Task AnEvent_FetchesOnlyTheChangedTarget_NeverEveryTargetOrRun()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(AnEvent_FetchesOnlyTheChangedTarget_NeverEveryTargetOrRun), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Cell("t11", "counts")).ToHaveTextAsync("0 attempts | 0 changes");
            var requests = new List<string>();
            dashboard.Page.Request += (_, request) => { lock (requests) { requests.Add(new Uri(request.Url).PathAndQuery); } };

            await FleetDashboard.RunAsync(_server.Store, "t11", RunStatus.Succeeded);

            await Expect(dashboard.Cell("t11", "counts")).ToHaveTextAsync("1 attempt | 0 changes (0.0%)");
            await Expect(dashboard.Cell("t11", "last-run")).ToContainTextAsync("Succeeded");
            string[] seen;
            lock (requests)
            {
                seen = [.. requests];
            }

            Assert.Contains("/api/v1/targets/t11/status", seen);
            Assert.DoesNotContain(seen, url => url.StartsWith("/api/v1/targets?", StringComparison.Ordinal) || url.StartsWith("/api/v1/runs", StringComparison.Ordinal));
            Assert.DoesNotContain(seen, url => url.StartsWith("/api/v1/targets/", StringComparison.Ordinal) && !url.StartsWith("/api/v1/targets/t11/", StringComparison.Ordinal));
        });
    }

    private static async Task AssertNearAsync(ILocator control, ILocator opened, string what)
    {
        var a = (await control.BoundingBoxAsync())!;
        var b = (await opened.BoundingBoxAsync())!;
        var distance = Math.Abs(b.Y - (a.Y + a.Height));
        Assert.True(distance < 120, $"{what} opened {distance:0}px from the control that caused it");
    }
}
