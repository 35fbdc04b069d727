using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Documents;
using Syncplane.Storage;
using Syncplane.Tests.Server;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// Two projects, alpha and bravo, each with a failing target (its run, its alert), a document and a check. The dashboard
/// opened with alpha's token shows alpha's and nothing of bravo's on any page, and says which project it is; a global
/// token sees both.
/// </summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardProjectTests(DashboardBrowser browser) : IAsyncLifetime
{
    private static readonly string Yaml = TwoProjects.Config("""
        targets:
          alpha-site: { entrypoint: "false", layer: sites }
          alpha-assets:
            layer: inventory
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { name: alpha-doc, groups: { items: item } } }
          bravo-site: { entrypoint: "false", layer: sites }
          bravo-assets:
            layer: inventory
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { name: bravo-doc, groups: { items: item } } }
        """);

    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Yaml, checks: false, workers: false);
        foreach (var project in new[] { "alpha", "bravo" })
        {
            await FleetDashboard.RunAsync(_server.Store, $"{project}-site", RunStatus.Failed, $"{project} failed");
            await _server.Store.SaveDocumentSyncAsync(new DocumentSync($"{project}-doc", $"{project}-assets", null, ["items"],
                [new DocumentUpsert("i1", "items", """{"name":"i1"}""", null)], []), CancellationToken.None);
            var result = new CheckResult { Name = $"{project}-probe", Kind = "tcp", Status = CheckStatus.Down, Message = $"{project}-probe refused", CheckedAt = _server.Context.Time.GetUtcNow() };
            await CheckRecorder.RecordAsync(_server.Store, result, null, CancellationToken.None);
        }

        // The node evaluates the alert rules after the runs' events, in the background.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await _server.Store.ListAlertStatesAsync(CancellationToken.None)).Count(a => a.State == "firing") < 2)
        {
            await Task.Delay(100, deadline.Token);
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AProjectToken_SeesOnlyItsProject_OnEveryPage_AndAGlobalTokenSeesBoth()
    {
        using var alphaClient = await ProjectIsolationTests.ProjectClientAsync(_server, "alpha-admin", ApiRole.Admin, "alpha");
        var alphaToken = alphaClient.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var alpha = await DashboardPage.OpenAsync(browser, _server, null);
        await alpha.RunAsync(nameof(AProjectToken_SeesOnlyItsProject_OnEveryPage_AndAGlobalTokenSeesBoth), async () =>
        {
            await UseTokenAsync(alpha, alphaToken);
            await Expect(alpha.Page.Locator("#whoami")).ToHaveTextAsync("token:alpha-admin · admin · project alpha");
            await Expect(alpha.Connection).ToHaveTextAsync("live");

            // Each page shows alpha's objects (so it has loaded) and nothing of bravo's, visible or not.
            await Expect(alpha.Row("alpha-site")).ToBeVisibleAsync();
            await Expect(alpha.Page.Locator("[data-card=alerts]")).ToContainTextAsync("1firing");
            await AssertNothingOfBravoAsync(alpha, "overview");

            await alpha.GoAsync("#/layers");
            await Expect(alpha.Page.Locator("li[data-document=alpha-doc]")).ToBeVisibleAsync();
            await AssertNothingOfBravoAsync(alpha, "layers");

            await alpha.GoAsync("#/checks");
            await Expect(alpha.Page.Locator("[data-check=alpha-probe]")).ToBeVisibleAsync();
            await AssertNothingOfBravoAsync(alpha, "checks");

            await alpha.GoAsync("#/alerts");
            await Expect(alpha.Page.Locator("#alerts tbody tr[data-state=firing]")).ToContainTextAsync("failing on target alpha-site");
            await AssertNothingOfBravoAsync(alpha, "alerts");

            await alpha.GoAsync("#/target/alpha-site");
            await Expect(alpha.Page.Locator("#runs tbody tr[data-run]")).ToHaveCountAsync(1);
            await AssertNothingOfBravoAsync(alpha, "alpha-site's page");

            await alpha.GoAsync("#/audit");
            await Expect(alpha.Page.Locator("#audit-heading")).ToBeVisibleAsync();
            await AssertNothingOfBravoAsync(alpha, "audit");

            // Bravo's target, asked for by name, is as unknown as a target that does not exist.
            await alpha.GoAsync("#/target/bravo-site");
            await Expect(alpha.Page.Locator("#view")).ToContainTextAsync("No target named");
            await Expect(alpha.Page.Locator("#runs tbody tr[data-run]")).ToHaveCountAsync(0);
        });

        await using var global = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin);
        await global.RunAsync(nameof(AProjectToken_SeesOnlyItsProject_OnEveryPage_AndAGlobalTokenSeesBoth) + "_global", async () =>
        {
            await Expect(global.Connection).ToHaveTextAsync("live");
            await Expect(global.Page.Locator("#whoami")).Not.ToContainTextAsync("project");
            await Expect(global.Row("alpha-site")).ToBeVisibleAsync();
            await Expect(global.Row("bravo-site")).ToBeVisibleAsync();
            await Expect(global.Page.Locator("[data-card=alerts]")).ToContainTextAsync("2firing");
            await global.GoAsync("#/layers");
            await Expect(global.Page.Locator("li[data-document=alpha-doc]")).ToBeVisibleAsync();
            await Expect(global.Page.Locator("li[data-document=bravo-doc]")).ToBeVisibleAsync();
            await global.GoAsync("#/checks");
            await Expect(global.Page.Locator("[data-check=alpha-probe]")).ToBeVisibleAsync();
            await Expect(global.Page.Locator("[data-check=bravo-probe]")).ToBeVisibleAsync();
            await global.GoAsync("#/alerts");
            await Expect(global.Page.Locator("#alerts tbody tr[data-state=firing]")).ToHaveCountAsync(2);
        });
    }

    private static async Task UseTokenAsync(DashboardPage page, string token)
    {
        await page.Page.GetByLabel("API token").FillAsync(token);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();
    }

    private static async Task AssertNothingOfBravoAsync(DashboardPage page, string where)
    {
        var html = await page.Page.ContentAsync();
        Assert.False(html.Contains("bravo", StringComparison.Ordinal), $"the {where} page shows something of bravo's: {html}");
    }
}
