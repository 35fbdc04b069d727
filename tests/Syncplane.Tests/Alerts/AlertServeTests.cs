using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// Alerts in a running node: a failed run fires its rule through the live event (not the 30 s tick), the firing is
/// sent, recorded as an <c>alert.firing</c> event, listed by <c>GET /api/v1/alerts</c>; an operator acknowledges and
/// silences, a viewer may only read.
/// </summary>
public sealed class AlertServeTests : IAsyncLifetime
{
    private NotificationReceiver _receiver = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _server = await TestServer.StartAsync($$"""
            targets:
              lz-docs: { entrypoint: "false", retry: { attempts: 1 } }
            notifiers:
              hook: { webhook: "{{_receiver.Url("/hook")}}", on: [succeeded] }
            alerts:
              failing: { when: "consecutive_failures >= 1", severity: error, notify: [hook] }
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task AFailedRun_FiresAtOnce_AndTheApiListsAcknowledgesAndSilences()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        using var @operator = _server.Client(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.Accepted, (await @operator.PostAsync("/api/v1/targets/lz-docs/sync", null)).StatusCode);

        var firing = (await _receiver.WaitForAsync(1)).Single().Json;
        Assert.Equal(("alert.firing", "lz-docs"), (firing.GetProperty("event").GetString(), firing.GetProperty("target").GetString()));
        var events = await _server.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        Assert.Contains(events, e => e.Type == "alert.firing" && e.Target == "lz-docs");

        var list = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/alerts")).RootElement;
        var alert = list.GetProperty("alerts").EnumerateArray().Single();
        Assert.Equal(("failing", "lz-docs", "firing", "error", "1"),
            (alert.GetProperty("rule").GetString(), alert.GetProperty("target").GetString(), alert.GetProperty("state").GetString(),
             alert.GetProperty("severity").GetString(), alert.GetProperty("value_text").GetString()));
        var id = alert.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/v1/alerts/{id}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await @operator.PostAsync($"/api/v1/alerts/{id}/ack", null)).StatusCode);
        Assert.StartsWith("token:", JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/alerts")).RootElement.GetProperty("alerts")[0].GetProperty("acked_by").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await @operator.PostAsync("/api/v1/alerts/999/ack", null)).StatusCode);

        var bad = await @operator.PostAsJsonAsync("/api/v1/alerts/silences", new { matchers = new { host = "x" }, duration = "1h" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown matcher 'host'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var created = await @operator.PostAsJsonAsync("/api/v1/alerts/silences", new { matchers = new { target = "lz-*" }, duration = "2h", comment = "maintenance" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silences = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/alerts")).RootElement.GetProperty("silences");
        Assert.Equal("maintenance", silences.EnumerateArray().Single().GetProperty("comment").GetString());

        var history = JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/alerts/history?alert={id}")).RootElement.GetProperty("items");
        Assert.Equal(["acknowledged", "firing"], history.EnumerateArray().Select(h => h.GetProperty("transition").GetString()));
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task ANodeStoppedWhileItsAlertRulesAreBeingEvaluated_StopsWithoutAnError()
    {
        using var db = new TempDirectory();
        await using var sqlite = new Syncplane.Storage.Sqlite.SqliteSyncStore(db.Combine("hang.db"), TimeProvider.System);
        var store = new InterceptingStore(sqlite) { Hang = nameof(Syncplane.Storage.ISyncStore.ListAlertSilencesAsync) };
        var server = await TestServer.StartAsync("""
            targets:
              docs: { entrypoint: "true" }
            notifiers:
              hook: { webhook: "http://127.0.0.1:9/hook" }
            alerts:
              failing: { when: "consecutive_failures >= 1", notify: [hook] }
            """, _ => store.Proxy);
        await store.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the first evaluation waits on the store

        await server.DisposeAsync(); // threw TaskCanceledException from the alert service
    }
}
