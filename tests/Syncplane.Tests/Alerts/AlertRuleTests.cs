using Syncplane.Alerts;
using Syncplane.Checks;
using Syncplane.Storage;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// The seed's rules on a fake clock and a real SQLite store: each goes ok → pending → firing → resolved at the right
/// moment, and a notification reaches a real receiver on firing and on resolve only.
/// </summary>
public sealed class AlertRuleTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          lz-docs: { entrypoint: "true" }
          portal: { entrypoint: "true" }
        checks:
          api: { http: { url: "http://127.0.0.1:9/health" } }
        notifiers:
          hook: { webhook: "RECEIVER/hook" }
        alerts:
          sync-failure:   { when: "success_rate < 0.95", over: 24h, severity: critical, notify: [hook], targets: [lz-docs] }
          sync-latency:   { when: "latency > 300s", severity: warning, notify: [hook], targets: [portal] }
          data-freshness: { when: "freshness > 6h", targets: ["lz-*"], notify: [hook] }
          failing:        { when: "consecutive_failures >= 3", notify: [hook], targets: [portal] }
          check-down:     { when: "check_down", for: 5m, checks: ["*"], notify: [hook] }
        """;

    private AlertBed _bed = null!;

    public async Task InitializeAsync() => _bed = await AlertBed.StartAsync(Yaml);

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task SuccessRate_FiresOnTheFailureThatDropsIt_AndResolvesWhenThatFailureLeavesTheWindow()
    {
        await _bed.RunAsync("lz-docs", RunStatus.Succeeded);
        Assert.Empty(Rule(await _bed.TickAsync(), "sync-failure"));

        await _bed.RunAsync("lz-docs", RunStatus.Failed);
        var failedAt = _bed.Time.GetUtcNow();
        var firing = Assert.Single(Rule(await _bed.TickAsync(), "sync-failure"));
        Assert.Equal(("alert.firing", "lz-docs", "critical", "0.5"), (Text(firing, "event"), Text(firing, "target"), Text(firing, "severity"), Text(firing, "value")));

        _bed.Time.Advance(TimeSpan.FromHours(2));
        await _bed.RunAsync("lz-docs", RunStatus.Succeeded);
        _bed.Time.UtcNow = failedAt + TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1);
        Assert.Empty(Rule(await _bed.TickAsync(), "sync-failure"));
        Assert.Equal(AlertStates.Firing, (await _bed.StateAsync("sync-failure", "lz-docs")).State);

        _bed.Time.UtcNow = failedAt + TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1);
        var resolved = Assert.Single(Rule(await _bed.TickAsync(), "sync-failure"));
        Assert.Equal(("alert.resolved", "1"), (Text(resolved, "event"), Text(resolved, "value")));
        Assert.Equal(["firing", "resolved"], await _bed.TransitionsAsync("sync-failure", "lz-docs"));
    }

    [Fact]
    public async Task Latency_CountsFromTheTriggerNotTheStart()
    {
        // Queued, waits 4 minutes for a worker, runs 2 minutes: 6 minutes from trigger to finish, 2 of them running.
        await _bed.Store.EnqueueAsync(new RunRequest("portal", "webhook", RunPriority.Event, _bed.Time.GetUtcNow()), CancellationToken.None);
        _bed.Time.Advance(TimeSpan.FromMinutes(4));
        var lease = (await _bed.Store.ClaimAsync("w", TimeSpan.FromMinutes(5), CancellationToken.None))!;
        _bed.Time.Advance(TimeSpan.FromMinutes(2));
        await _bed.Store.CompleteRunAsync(lease.RunId, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok", Fence = lease.Fence }, CancellationToken.None);

        var firing = Assert.Single(Rule(await _bed.TickAsync(), "sync-latency"));
        Assert.Equal(("alert.firing", "portal", "6m"), (Text(firing, "event"), Text(firing, "target"), Text(firing, "value")));

        await _bed.RunAsync("portal", RunStatus.Succeeded, took: TimeSpan.FromSeconds(301));
        Assert.Empty(Rule(await _bed.TickAsync(), "sync-latency"));
        await _bed.RunAsync("portal", RunStatus.Succeeded, took: TimeSpan.FromSeconds(20));
        Assert.Equal("alert.resolved", Text(Assert.Single(Rule(await _bed.TickAsync(), "sync-latency")), "event"));
    }

    [Fact]
    public async Task Freshness_FiresSixHoursAfterTheLastSuccess_OnlyForMatchingTargets_AndResolvesOnTheNextSuccess()
    {
        await _bed.RunAsync("lz-docs", RunStatus.Succeeded);
        await _bed.RunAsync("portal", RunStatus.Succeeded);
        _bed.Time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        Assert.Empty(Rule(await _bed.TickAsync(), "data-freshness"));

        _bed.Time.Advance(TimeSpan.FromSeconds(2));
        var firing = Assert.Single(Rule(await _bed.TickAsync(), "data-freshness"));
        Assert.Equal(("alert.firing", "lz-docs", "6h2s"), (Text(firing, "event"), Text(firing, "target"), Text(firing, "value")));
        Assert.DoesNotContain(await _bed.Store.ListAlertStatesAsync(CancellationToken.None), s => s.Rule == "data-freshness" && s.Subject == "portal");

        _bed.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(Rule(await _bed.TickAsync(), "data-freshness"));
        await _bed.RunAsync("lz-docs", RunStatus.Succeeded);
        Assert.Equal("alert.resolved", Text(Assert.Single(Rule(await _bed.TickAsync(), "data-freshness")), "event"));
    }

    [Fact]
    public async Task ConsecutiveFailures_FiresOnTheThird_AndResolvesOnTheNextSuccess()
    {
        await _bed.RunAsync("portal", RunStatus.Failed);
        await _bed.RunAsync("portal", RunStatus.Failed);
        Assert.Empty(Rule(await _bed.TickAsync(), "failing"));

        await _bed.RunAsync("portal", RunStatus.Failed);
        Assert.Equal("3", Text(Assert.Single(Rule(await _bed.TickAsync(), "failing")), "value"));
        await _bed.RunAsync("portal", RunStatus.Failed);
        Assert.Empty(Rule(await _bed.TickAsync(), "failing"));

        await _bed.RunAsync("portal", RunStatus.Succeeded);
        Assert.Equal("alert.resolved", Text(Assert.Single(Rule(await _bed.TickAsync(), "failing")), "event"));
        Assert.Equal(["firing", "resolved"], await _bed.TransitionsAsync("failing", "portal"));
    }

    [Fact]
    public async Task CheckDown_IsPendingForFiveMinutes_ThenFires_ThenResolves()
    {
        await _bed.CheckAsync("api", CheckStatus.Down);
        Assert.Empty(await _bed.TickAsync());
        Assert.Equal(AlertStates.Pending, (await _bed.StateAsync("check-down", "api")).State);

        _bed.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Empty(await _bed.TickAsync());

        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        var firing = Assert.Single(await _bed.TickAsync());
        Assert.Equal(("alert.firing", "api", "check-down"), (Text(firing, "event"), Text(firing, "check"), Text(firing, "rule")));

        await _bed.CheckAsync("api", CheckStatus.Healthy);
        Assert.Equal("alert.resolved", Text(Assert.Single(await _bed.TickAsync()), "event"));
        Assert.Equal(["pending", "firing", "resolved"], await _bed.TransitionsAsync("check-down", "api"));
    }

    [Fact]
    public async Task Flapping_WithinFor_SendsNothing()
    {
        for (var i = 0; i < 5; i++)
        {
            await _bed.CheckAsync("api", CheckStatus.Down);
            Assert.Empty(await _bed.TickAsync());
            _bed.Time.Advance(TimeSpan.FromMinutes(4));
            Assert.Empty(await _bed.TickAsync());
            await _bed.CheckAsync("api", CheckStatus.Healthy);
            Assert.Empty(await _bed.TickAsync());
            _bed.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(_bed.Receiver.Requests);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? "pending" : "cleared")], await _bed.TransitionsAsync("check-down", "api"));
        Assert.Equal(AlertStates.Ok, (await _bed.StateAsync("check-down", "api")).State);
    }

    [Fact]
    public async Task Silence_HoldsTheNotifications_ButTheStateIsStillTracked()
    {
        var silence = await _bed.Store.AddAlertSilenceAsync(new Dictionary<string, string> { ["target"] = "port*" }, _bed.Time.GetUtcNow().AddHours(1), "test", "maintenance", CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await _bed.RunAsync("portal", RunStatus.Failed);
        }

        Assert.Empty(await _bed.TickAsync());
        var state = await _bed.StateAsync("failing", "portal");
        Assert.Equal((AlertStates.Firing, false), (state.State, state.Notified));
        Assert.Contains($"silenced by silence {silence.Id}", (await _bed.Store.ListAlertHistoryAsync(state.Id, 1, CancellationToken.None))[0].Message, StringComparison.Ordinal);

        // Its resolve sends nothing either, even after the silence ended: nothing was opened.
        _bed.Time.Advance(TimeSpan.FromHours(2));
        await _bed.RunAsync("portal", RunStatus.Succeeded);
        Assert.Empty(await _bed.TickAsync());
        Assert.Equal(AlertStates.Resolved, (await _bed.StateAsync("failing", "portal")).State);
        Assert.Empty(_bed.Receiver.Requests);

        // After the silence, the same alert notifies again.
        for (var i = 0; i < 3; i++)
        {
            await _bed.RunAsync("portal", RunStatus.Failed);
        }

        Assert.Equal("alert.firing", Text(Assert.Single(await _bed.TickAsync()), "event"));
    }

    [Fact]
    public async Task Acknowledge_OnlyAFiringAlert_AndTheResolveClearsIt()
    {
        for (var i = 0; i < 3; i++)
        {
            await _bed.RunAsync("portal", RunStatus.Failed);
        }

        await _bed.TickAsync();
        var state = await _bed.StateAsync("failing", "portal");
        Assert.True(await _bed.Store.AcknowledgeAlertAsync(state.Id, "token:ops", CancellationToken.None));
        Assert.Equal("token:ops", (await _bed.StateAsync("failing", "portal")).AckedBy);

        await _bed.RunAsync("portal", RunStatus.Succeeded);
        await _bed.TickAsync();
        var resolved = await _bed.StateAsync("failing", "portal");
        Assert.Null(resolved.AckedBy);
        Assert.False(await _bed.Store.AcknowledgeAlertAsync(state.Id, "token:ops", CancellationToken.None));
        Assert.Equal(["firing", "acknowledged", "resolved"], await _bed.TransitionsAsync("failing", "portal"));
    }

    private static IEnumerable<Notifications.ReceivedRequest> Rule(IEnumerable<Notifications.ReceivedRequest> requests, string rule) =>
        requests.Where(r => Text(r, "rule") == rule);

    private static string? Text(Notifications.ReceivedRequest request, string name) =>
        request.Json.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
}
