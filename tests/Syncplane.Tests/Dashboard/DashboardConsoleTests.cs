using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Syncplane.Access;
using Syncplane.Documents;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Syncplane.Tests.Dashboard;

/// <summary>The alerts, audit and layers' documents pages and the dry run, against a node with alert rules, documents and files to sync.</summary>
[Collection(DashboardBrowserGroup.Name)]
public sealed class DashboardConsoleTests(DashboardBrowser browser) : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          files: { source: { directory: { path: src } }, destination: { directory: { path: out } }, layer: files }
          state:
            layer: inventory
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { groups: { projects: cloudresourcemanager.googleapis.com/Project } } }
          assets:
            layer: inventory
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { groups: { projects: cloudresourcemanager.googleapis.com/Project }, ttl: 2h } }
          flaky: { entrypoint: "false", retry: { attempts: 1 }, layer: jobs }
        notifiers:
          hook: { webhook: "http://127.0.0.1:9/hook" }
        alerts:
          failing: { when: "consecutive_failures >= 1", severity: error, targets: [flaky], notify: [hook] }
          failing-long: { when: "consecutive_failures >= 1", for: 1h, targets: [flaky], notify: [hook] }

        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(Yaml, files: new Dictionary<string, string> { ["src/a.txt"] = "a", ["src/b.txt"] = "b" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AlertsPage_ShowsFiringAndPending_AndAnOperatorAcknowledgesAndSilences()
    {
        await FleetDashboard.RunAsync(_server.Store, "flaky", RunStatus.Failed, "exit 1");
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(AlertsPage_ShowsFiringAndPending_AndAnOperatorAcknowledgesAndSilences), async () =>
        {
            // The node evaluates the rules after the run's event, in the background: the card follows the alert.* events.
            await Expect(dashboard.Page.Locator("[data-card=alerts]")).ToContainTextAsync("1firing alerts (1 pending)", new() { Timeout = 45_000 });
            await dashboard.Page.Locator("[data-card=alerts]").ClickAsync();

            var firing = dashboard.Page.Locator("#alerts tbody tr[data-state=firing]");
            var pending = dashboard.Page.Locator("#alerts tbody tr[data-state=pending]");
            await Expect(firing).ToContainTextAsync("failing on target flaky");
            await Expect(pending).ToContainTextAsync("failing-long on target flaky");
            await Expect(dashboard.Page.Locator("#alerts tbody tr").First).ToHaveAttributeAsync("data-state", "firing"); // firing first
            await Expect(dashboard.Page.Locator("[data-field=alert-counts]")).ToHaveTextAsync("1 firing, 1 pending, 0 ok or resolved");
            await Expect(dashboard.Page.Locator("#alert-history li[data-transition=firing]")).ToContainTextAsync("failing on flaky");
            await Expect(dashboard.Page.Locator("li[data-channel=hook]")).ToContainTextAsync("failing", new() { Timeout = 30_000 }); // its delivery failed

            await Expect(pending.Locator("[data-action=ack]")).ToHaveCountAsync(0); // only a firing alert is acknowledged
            await firing.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
            await Expect(firing.Locator("[data-field=acked]")).ToContainTextAsync("test-operator-");
            await Expect(firing.Locator("output.note")).ToContainTextAsync("Acknowledged failing.");
            await Expect(firing.Locator("[data-action=ack]")).ToHaveCountAsync(0);

            await pending.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
            await pending.GetByLabel("Silence for").SelectOptionAsync("2h");
            await pending.GetByLabel("Comment").FillAsync("maintenance");
            await pending.GetByRole(AriaRole.Button, new() { Name = "Silence alert" }).ClickAsync();
            await Expect(pending.Locator("output.note")).ToContainTextAsync("Silenced until");
            await Expect(dashboard.Page.Locator("li[data-silence]")).ToContainTextAsync("rule=failing-long, target=flaky");
            await Expect(dashboard.Page.Locator("li[data-silence]")).ToContainTextAsync(": maintenance");
            var silence = Assert.Single(await _server.Store.ListAlertSilencesAsync(DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.Equal("failing-long", silence.Matchers["rule"]);
            Assert.InRange(silence.Until - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(110), TimeSpan.FromMinutes(121));
            await DashboardPagesTests.SaveScreenshotAsync(dashboard.Page, "dashboard-alerts.png");
        });

        await using var viewer = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await viewer.RunAsync(nameof(AlertsPage_ShowsFiringAndPending_AndAnOperatorAcknowledgesAndSilences) + "_viewer", async () =>
        {
            await viewer.GoAsync("#/alerts");
            await Expect(viewer.Page.Locator("#alerts tbody tr")).ToHaveCountAsync(2);
            await Expect(viewer.Page.Locator("#alerts button")).ToHaveCountAsync(0); // no controls a viewer cannot use
        });
    }

    [Fact]
    public async Task AuditPage_ShowsWhoDidWhat_PagesAndFilters_ForAdminsOnly()
    {
        for (var i = 0; i < 55; i++)
        {
            await _server.Store.AppendAuditAsync("alice", "target.frequency", $"t{i}", $$"""{"frequency":"{{i}}min"}""", CancellationToken.None);
        }

        using var operatorClient = _server.Client(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.Accepted, (await operatorClient.PostAsync("/api/v1/targets/flaky/sync", null)).StatusCode);

        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Admin);
        await dashboard.RunAsync(nameof(AuditPage_ShowsWhoDidWhat_PagesAndFilters_ForAdminsOnly), async () =>
        {
            await dashboard.Page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
            var rows = dashboard.Page.Locator("#audit tbody tr[data-audit]");
            await Expect(rows).ToHaveCountAsync(50);
            await Expect(rows.First.Locator("[data-field=action]")).ToHaveTextAsync("run.trigger"); // newest first
            await Expect(rows.First.Locator("[data-field=actor]")).ToContainTextAsync("test-operator-");
            await Expect(rows.First.Locator("[data-field=subject]")).ToHaveTextAsync("flaky");
            await Expect(rows.First).ToContainTextAsync("coalesced=false");

            await dashboard.Page.GetByLabel("Action").SelectOptionAsync("run.trigger");
            await Expect(rows).ToHaveCountAsync(1);
            await dashboard.Page.GetByLabel("Action").SelectOptionAsync("");
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Older entries" }).ClickAsync();
            await Expect(rows).ToHaveCountAsync(6);
            await Expect(rows.Last).ToContainTextAsync("frequency=0min");
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Newer entries" }).ClickAsync();
            await Expect(rows).ToHaveCountAsync(50);
            await DashboardPagesTests.SaveScreenshotAsync(dashboard.Page, "dashboard-audit.png");

            // The monthly report (GET /api/v1/reports/audit) downloads as JSON; a month left empty is refused beside the button.
            var month = TimeProvider.System.GetUtcNow().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            await dashboard.Page.GetByLabel("Monthly report").FillAsync(month);
            var download = await dashboard.Page.RunAndWaitForDownloadAsync(() => dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Download report" }).ClickAsync());
            Assert.Equal($"syncplane-audit-{month}.json", download.SuggestedFilename);
            var report = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(await download.PathAsync()))!;
            Assert.Equal(month, (string?)report["month"]);
            var manual = Assert.Single(report["manual_syncs"]!.AsArray())!;
            Assert.Equal(["flaky"], manual["targets"]!.AsArray().Select(t => (string?)t));
            await Expect(dashboard.Page.Locator(".report output.note")).ToContainTextAsync($"Saved syncplane-audit-{month}.json");
            await dashboard.Page.GetByLabel("Monthly report").FillAsync("");
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Download report" }).ClickAsync();
            await Expect(dashboard.Page.Locator(".report output.note")).ToContainTextAsync("'month' must be a month such as 2026-11");
        });

        await using var operatorPage = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await operatorPage.RunAsync(nameof(AuditPage_ShowsWhoDidWhat_PagesAndFilters_ForAdminsOnly) + "_operator", async () =>
        {
            await Expect(operatorPage.Connection).ToHaveTextAsync("live");
            await Expect(operatorPage.Page.Locator("nav a[data-route=audit]")).ToBeHiddenAsync();
            await Expect(operatorPage.Page.Locator("nav a[data-route=alerts]")).ToBeVisibleAsync();
            await operatorPage.GoAsync("#/audit");
            await Expect(operatorPage.Page.Locator("#view")).ToContainTextAsync("The audit log is for admins");
        });
    }

    [Fact]
    public async Task LayersPage_ShowsDocuments_FreshOrStale_WithTheErrorOfALaterFailedRun()
    {
        await _server.Store.SaveDocumentSyncAsync(new DocumentSync("assets", "assets", null, ["projects"],
            [new DocumentUpsert("p1", "projects", """{"name":"p1"}""", null), new DocumentUpsert("p2", "projects", """{"name":"p2"}""", null)], []), CancellationToken.None);
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await dashboard.RunAsync(nameof(LayersPage_ShowsDocuments_FreshOrStale_WithTheErrorOfALaterFailedRun), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.GoAsync("#/layers");
            var inventory = dashboard.Page.Locator("section[data-layer=inventory]");
            var assets = inventory.Locator("li[data-document=assets]");
            var state = inventory.Locator("li[data-document=state]");
            await Expect(assets.Locator(".badge")).ToHaveTextAsync("fresh");
            await Expect(assets.Locator("[data-field=age]")).ToContainTextAsync("synced ");
            await Expect(assets).ToContainTextAsync("· ttl 2 h · projects 2");
            await Expect(state.Locator(".badge")).ToHaveTextAsync("stale");
            await Expect(state).ToContainTextAsync("never synced · ttl 1 h · projects 0");
            await Expect(dashboard.Page.Locator("section[data-layer=files] li[data-document]")).ToHaveCountAsync(0);

            var failed = await FleetDashboard.RunAsync(_server.Store, "assets", RunStatus.Failed, "upstream answered 502");
            await Expect(assets.Locator("[data-field=document-error]")).ToContainTextAsync($"Run #{failed} failed"); // live
            await Expect(assets.Locator("[data-field=document-error]")).ToContainTextAsync("upstream answered 502 — the last good document is still served");
            await Expect(assets.Locator(".badge")).ToHaveTextAsync("fresh");
            await DashboardPagesTests.SaveScreenshotAsync(dashboard.Page, "dashboard-documents.png");
        });
    }

    [Fact]
    public async Task DryRun_FromTheTargetPage_ShowsThePlanInItsLog_AndWritesNothing()
    {
        await using var dashboard = await DashboardPage.OpenAsync(browser, _server, ApiRole.Operator);
        await dashboard.RunAsync(nameof(DryRun_FromTheTargetPage_ShowsThePlanInItsLog_AndWritesNothing), async () =>
        {
            await Expect(dashboard.Connection).ToHaveTextAsync("live");
            await dashboard.GoAsync("#/target/files");
            await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
            await Expect(dashboard.Page.Locator(".target-head output.note")).ToContainTextAsync("Dry run queued as run #");

            var detail = dashboard.Page.Locator(".run-detail"); // opens by itself
            await Expect(detail.Locator(".log")).ToContainTextAsync("plan: + a.txt", new() { Timeout = 15_000 });
            await Expect(detail.Locator(".log")).ToContainTextAsync("plan: + b.txt");
            await Expect(detail.Locator(".log")).ToContainTextAsync("plan: 2 to create, 0 to update, 0 to delete, 0 unchanged");
            var run = dashboard.Page.Locator("#runs tbody tr[data-run]").First;
            await Expect(run.Locator("[data-field=status]")).ToHaveTextAsync("Succeeded dry run", new() { Timeout = 15_000 });
            await Expect(dashboard.Page.Locator("[data-field=plan]")).ToContainTextAsync("(dry run): +2 ~0 −0 =0");
            Assert.False(File.Exists(_server.Directory.Combine("out", "a.txt")));
        });

        await using var viewer = await DashboardPage.OpenAsync(browser, _server, ApiRole.Viewer);
        await viewer.RunAsync(nameof(DryRun_FromTheTargetPage_ShowsThePlanInItsLog_AndWritesNothing) + "_viewer", async () =>
        {
            await Expect(viewer.Connection).ToHaveTextAsync("live");
            await viewer.GoAsync("#/target/files");
            await Expect(viewer.Page.Locator("#target-heading")).ToContainTextAsync("files");
            await Expect(viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Dry run" })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task DryRunApi_QueuesAPlanOnlyRun_ForOperators_AndAuditsIt()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/targets/files/dry-run", null)).StatusCode);
        using var operatorClient = _server.Client(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync("/api/v1/targets/nope/dry-run", null)).StatusCode);

        var response = await operatorClient.PostAsync("/api/v1/targets/files/dry-run", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("dry_run").GetBoolean());
        var id = body.GetProperty("run_id").GetInt64();
        Assert.Contains(await _server.Store.ListAuditAsync(null, 10, CancellationToken.None), a => a.Action == "run.dry_run" && a.Subject == "files");

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await _server.Store.GetRunAsync(id, CancellationToken.None))!.FinishedAt is null && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var run = (await _server.Store.GetRunAsync(id, CancellationToken.None))!;
        Assert.True(run.DryRun);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains(await _server.Store.GetLogAsync(id, CancellationToken.None), l => l.Message == "plan: + a.txt");
        Assert.False(File.Exists(_server.Directory.Combine("out", "a.txt")));
    }
}
