using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// The overview's order under live updates, among many targets: a row whose status changes moves to its place and
/// every other row keeps its order (the page moves only the rows whose place changed), and a filter stays applied.
/// </summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardOrderTests(DashboardBrowser browser) : IAsyncLifetime
{
    private const int Count = 60;
    private static readonly string[] Names = [.. Enumerable.Range(1, Count).Select(i => $"o{i:00}")];
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync("targets:\n" + string.Concat(Names.Select(n => $"  {n}: {{ entrypoint: \"true\" }}\n")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ProblemsFirst_AFailingRowMovesToTheTop_ThenBackToItsPlaceOnRecovery_AndTheOthersKeepTheirOrder()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(ProblemsFirst_AFailingRowMovesToTheTop_ThenBackToItsPlaceOnRecovery_AndTheOthersKeepTheirOrder), async () =>
        {
            var shown = dashboard.Page.Locator("#targets tbody tr th[scope=row] a.name");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(shown).ToHaveTextAsync(Names);

            await FleetDashboard.RunAsync(_server.Store, "o37", RunStatus.Failed, "disk full");
            await FleetDashboard.RunAsync(_server.Store, "o52", RunStatus.Failed, "disk full");

            await Expect(dashboard.Cell("o52", "error")).ToContainTextAsync("disk full");
            await Expect(shown).ToHaveTextAsync(["o37", "o52", .. Names.Except(["o37", "o52"])]);

            await FleetDashboard.RunAsync(_server.Store, "o37", RunStatus.Succeeded);

            await Expect(dashboard.Cell("o37", "error")).ToContainTextAsync("Resolved: disk full");
            await Expect(shown).ToHaveTextAsync(["o52", .. Names.Except(["o52"])]);
            await Expect(dashboard.Page.Locator("#targets tbody tr")).ToHaveCountAsync(Count);
        });
    }

    [Fact]
    public async Task Search_StaysAppliedAcrossLiveUpdates_AndAMatchingRowStillMovesToItsPlace()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(Search_StaysAppliedAcrossLiveUpdates_AndAMatchingRowStillMovesToItsPlace), async () =>
        {
            var shown = dashboard.Page.Locator("#targets tbody tr th[scope=row] a.name");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.Page.GetByLabel("Search").FillAsync("o1");
            string[] matching = [.. Names.Where(n => n.StartsWith("o1", StringComparison.Ordinal))];
            await Expect(shown).ToHaveTextAsync(matching);

            await FleetDashboard.RunAsync(_server.Store, "o42", RunStatus.Failed, "disk full");
            await FleetDashboard.RunAsync(_server.Store, "o15", RunStatus.Failed, "disk full");
            await FleetDashboard.RunAsync(_server.Store, "o12", RunStatus.Succeeded);

            await Expect(dashboard.Cell("o12", "last-run")).ToContainTextAsync("Succeeded");
            await Expect(shown).ToHaveTextAsync(["o15", .. matching.Except(["o15"])]);
            await Expect(dashboard.Page.Locator("#targets-heading ~ output")).ToHaveTextAsync($"{matching.Length} of {Count} targets");
            await Expect(dashboard.Page.Locator("[data-card=error] strong")).ToHaveTextAsync("2");

            await dashboard.Page.GetByLabel("Search").FillAsync("");
            await Expect(shown).ToHaveTextAsync(["o15", "o42", .. Names.Except(["o15", "o42"])]);
        });
    }
}
