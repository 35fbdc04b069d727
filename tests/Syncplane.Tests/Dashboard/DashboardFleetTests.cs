using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// The overview at 1,000 targets: only the rows on screen and near it are in the document, yet every row is reached by
/// scrolling (the mouse wheel), by search and by the keyboard, and a row that changed while off screen shows the change
/// when it comes back into view.
/// </summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardFleetTests(DashboardBrowser browser) : IAsyncLifetime
{
    private const int Count = 1000;
    private TestServer _server = null!;

    private static string Name(int i) => $"f{i:0000}";

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync("targets:\n" + string.Concat(Enumerable.Range(1, Count).Select(i => $"  {Name(i)}: {{ entrypoint: \"true\" }}\n")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AThousandTargets_OnlyRowsNearTheScreenAreInThePage_AndAFarRowIsReachedByScrollingAndBySearch()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(AThousandTargets_OnlyRowsNearTheScreenAreInThePage_AndAFarRowIsReachedByScrollingAndBySearch), async () =>
        {
            var rows = dashboard.Page.Locator("#targets tbody tr[data-target]");
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await Expect(dashboard.Page.Locator("#targets-heading ~ output")).ToHaveTextAsync($"{Count} targets");
            await Expect(dashboard.Page.Locator("#targets")).ToHaveAttributeAsync("aria-rowcount", $"{Count + 1}");
            await Expect(rows.First).ToHaveAttributeAsync("data-target", Name(1));
            var inPage = await rows.CountAsync();
            Assert.InRange(inPage, 20, 150);
            await Expect(dashboard.Row(Name(990))).ToHaveCountAsync(0);

            // Halfway down, the screen is full of rows in their order, each saying where it is in the whole list.
            await ScrollAsync(dashboard.Page, until: "() => scrollY > document.documentElement.scrollHeight / 2");
            await AssertRowsOnScreenAreInOrderAsync(dashboard.Page);

            await ScrollAsync(dashboard.Page, until: OnScreen(Name(Count)));
            await Expect(dashboard.Row(Name(Count))).ToBeInViewportAsync();
            await Expect(dashboard.Row(Name(Count))).ToHaveAttributeAsync("aria-rowindex", $"{Count + 1}");
            await AssertRowsOnScreenAreInOrderAsync(dashboard.Page);
            Assert.InRange(await rows.CountAsync(), 20, 150);

            await dashboard.Page.EvaluateAsync("() => scrollTo(0, 0)");
            await Expect(dashboard.Row(Name(1))).ToBeInViewportAsync();
            await dashboard.Page.GetByLabel("Search").FillAsync(Name(990));
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(dashboard.Row(Name(990))).ToBeInViewportAsync();
            await Expect(dashboard.Row(Name(990))).ToHaveAttributeAsync("aria-rowindex", "2");
            await Expect(dashboard.Page.Locator("#targets")).ToHaveAttributeAsync("aria-rowcount", "2");
        });
    }

    [Fact]
    public async Task AThousandTargets_ARowThatChangedOffScreen_ShowsTheChangeWhenScrolledBackTo_AndAFailingRowComesToTheTop()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(AThousandTargets_ARowThatChangedOffScreen_ShowsTheChangeWhenScrolledBackTo_AndAFailingRowComesToTheTop), async () =>
        {
            var far = Name(700);
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await ScrollAsync(dashboard.Page, until: OnScreen(far));
            await Expect(dashboard.Cell(far, "last-run")).ToHaveTextAsync("none");

            await dashboard.Page.EvaluateAsync("() => scrollTo(0, 0)");
            await Expect(dashboard.Row(far)).ToHaveCountAsync(0);
            var run = await FleetDashboard.RunAsync(_server.Store, far, RunStatus.Succeeded);
            await Expect(dashboard.Page.Locator("#feed li[data-type='run.succeeded']")).ToContainTextAsync(far);
            await Expect(dashboard.Row(far)).ToHaveCountAsync(0);

            await ScrollAsync(dashboard.Page, until: OnScreen(far));
            await Expect(dashboard.Cell(far, "last-run")).ToHaveTextAsync($"Succeeded #{run}");
            await Expect(dashboard.Cell(far, "counts")).ToHaveTextAsync("1 attempt | 0 changes (0.0%)");

            // Problems first: a failing target far down the list comes to the top of the screen.
            await dashboard.Page.EvaluateAsync("() => scrollTo(0, 0)");
            await FleetDashboard.RunAsync(_server.Store, Name(950), RunStatus.Failed, "disk full");
            await Expect(dashboard.Page.Locator("#targets tbody tr[data-target]").First).ToHaveAttributeAsync("data-target", Name(950));
            await Expect(dashboard.Cell(Name(950), "error")).ToContainTextAsync("disk full");
            await Expect(dashboard.Row(Name(950))).ToBeInViewportAsync();
        });
    }

    [Fact]
    public async Task AThousandTargets_TabMovesThroughRowsPastTheFirstWindow_AndTheFocusedRowStaysWhenScrolledAway()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(AThousandTargets_TabMovesThroughRowsPastTheFirstWindow_AndTheFocusedRowStaysWhenScrolledAway), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            var firstWindow = await dashboard.Page.Locator("#targets tbody tr[data-target]").CountAsync();
            await dashboard.Row(Name(1)).GetByRole(AriaRole.Link, new() { Name = Name(1) }).FocusAsync();
            const int Tabs = 160; // one link per row for a viewer with no runs: past the rows that were first in the page
            Assert.True(Tabs + 1 > firstWindow, $"the first window already had {firstWindow} rows");
            for (var i = 0; i < Tabs; i++)
            {
                await dashboard.Page.Keyboard.PressAsync("Tab");
            }

            Assert.Equal(Name(Tabs + 1), await dashboard.Page.EvaluateAsync<string>("() => document.activeElement.closest('tr')?.dataset.target ?? document.activeElement.outerHTML"));
            await Expect(dashboard.Row(Name(Tabs + 1))).ToBeInViewportAsync();
            await dashboard.Page.Keyboard.PressAsync("Shift+Tab");
            Assert.Equal(Name(Tabs), await dashboard.Page.EvaluateAsync<string>("() => document.activeElement.closest('tr')?.dataset.target"));

            await ScrollAsync(dashboard.Page, until: OnScreen(Name(Count)));
            Assert.Equal(Name(Tabs), await dashboard.Page.EvaluateAsync<string>("() => document.activeElement.closest('tr')?.dataset.target"));
            await Expect(dashboard.Row(Name(Tabs))).ToHaveAttributeAsync("aria-rowindex", $"{Tabs + 1}");
            await AssertRowsOnScreenAreInOrderAsync(dashboard.Page);
        });
    }

    /// <summary>A script that says whether the row of <paramref name="target"/> is on screen.</summary>
    private static string OnScreen(string target) =>
        $"() => {{ const r = document.querySelector('#targets tr[data-target=\"{target}\"]')?.getBoundingClientRect(); return !!r && r.top >= 0 && r.bottom <= innerHeight; }}";

    /// <summary>Turns the mouse wheel over the table until <paramref name="until"/> holds (at most 200 turns).</summary>
    private static async Task ScrollAsync(IPage page, string until)
    {
        await page.Mouse.MoveAsync(640, 600);
        for (var i = 0; i < 200 && !await page.EvaluateAsync<bool>(until); i++)
        {
            await page.Mouse.WheelAsync(0, 700);
            await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        }

        Assert.True(await page.EvaluateAsync<bool>(until), "scrolled 200 times and still not " + until);
    }

    /// <summary>The rows on screen follow each other in the list's order (no gap, no blank screen) and say where they are.</summary>
    private static async Task AssertRowsOnScreenAreInOrderAsync(IPage page)
    {
        var onScreen = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#targets tbody tr[data-target]')]
              .filter(r => { const b = r.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; })
              .map(r => `${r.dataset.target}@${r.getAttribute('aria-rowindex')}`)
            """);
        Assert.True(onScreen.Length >= 10, "rows on screen: " + string.Join(", ", onScreen));
        var first = int.Parse(onScreen[0][1..5], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(first, onScreen.Length).Select(i => $"{Name(i)}@{i + 1}"), onScreen);
    }
}
