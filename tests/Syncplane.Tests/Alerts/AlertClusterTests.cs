using Syncplane.Alerts;
using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// Three nodes on one PostgreSQL store, each evaluating the rules and sending the outbox: every transition is recorded
/// once and sent once per notifier, also when the node sending it is killed mid-send (its lease runs out and another
/// node sends it).
/// </summary>
public sealed class AlertClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Yaml = """
        targets:
          t0: { entrypoint: "true" }
          t1: { entrypoint: "true" }
          t2: { entrypoint: "true" }
          t3: { entrypoint: "true" }
        notifiers:
          hook: { webhook: "RECEIVER/hook" }
        alerts:
          failing: { when: "consecutive_failures >= 2", notify: [hook] }
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly List<PostgresSyncStore> _stores = [];
    private readonly HttpClient _http = new();
    private NotificationReceiver _receiver = null!;
    private SyncplaneConfig _config = null!;

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _config = ConfigLoader.Default.Parse(Yaml.Replace("RECEIVER", _receiver.Url("").TrimEnd('/'), StringComparison.Ordinal), "/work/cfg/syncplane.yaml");
        var connection = database.CreateSchema();
        for (var i = 0; i < 3; i++)
        {
            _stores.Add(new PostgresSyncStore(connection, _time));
        }

        await _stores[0].MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task ThreeNodesEvaluatingAndSendingAtOnce_SendOneNotificationPerTransition()
    {
        var nodes = Enumerable.Range(0, 3).Select(Node).ToList();
        for (var round = 0; round < 3; round++)
        {
            foreach (var target in _config.Targets)
            {
                await RunAsync(target.Name, RunStatus.Failed);
                await RunAsync(target.Name, RunStatus.Failed);
            }

            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Evaluator.EvaluateAllAsync(CancellationToken.None))));
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Sender.SendDueAsync(CancellationToken.None))));
            foreach (var target in _config.Targets)
            {
                await RunAsync(target.Name, RunStatus.Succeeded);
            }

            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Evaluator.EvaluateAllAsync(CancellationToken.None))));
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Sender.SendDueAsync(CancellationToken.None))));
        }

        await NotificationBed.WaitUntilAsync(() => _receiver.Requests.Count >= 24, "24 notifications");
        await Task.WhenAll(nodes.Select(n => n.Sender.SendDueAsync(CancellationToken.None)));
        var sent = _receiver.Requests.Select(r => (Target: r.Json.GetProperty("target").GetString(), Event: r.Json.GetProperty("event").GetString())).ToList();
        Assert.Equal(24, sent.Count);
        foreach (var target in _config.Targets)
        {
            Assert.Equal([.. Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? "alert.firing" : "alert.resolved")], sent.Where(s => s.Target == target.Name).Select(s => s.Event));
        }

        var history = await _stores[0].ListAlertHistoryAsync(null, 500, CancellationToken.None);
        Assert.Equal(24, history.Count);
    }

    [Fact]
    public async Task ANodeKilledMidSend_AnotherSendsItAfterTheLease_AndNoNodeSendsItAgain()
    {
        var (a, b, c) = (Node(0), Node(1), Node(2));
        await RunAsync("t0", RunStatus.Failed);
        await RunAsync("t0", RunStatus.Failed);
        await a.Evaluator.EvaluateAllAsync(CancellationToken.None);

        // Node a claims the firing and sends it to a receiver that never answers; then a dies.
        _receiver.HangNext();
        using var killA = new CancellationTokenSource();
        var sendingA = a.Sender.SendDueAsync(killA.Token);
        var hung = (await _receiver.WaitForAsync(1)).Single();

        // Within a's lease, nobody else may send it.
        await b.Sender.SendDueAsync(CancellationToken.None);
        await c.Sender.SendDueAsync(CancellationToken.None);
        Assert.Single(_receiver.Requests);

        await killA.CancelAsync();
        await sendingA;
        await _stores[0].DisposeAsync();
        _stores.RemoveAt(0);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await Task.WhenAll(Task.Run(() => b.Sender.SendDueAsync(CancellationToken.None)), Task.Run(() => c.Sender.SendDueAsync(CancellationToken.None)));
        var requests = await _receiver.WaitForAsync(2);
        Assert.Equal(2, requests.Count);
        Assert.Equal(hung.Headers["X-Syncplane-Delivery"], requests[1].Headers["X-Syncplane-Delivery"]);
        Assert.Equal(hung.Body, requests[1].Body);

        // Sent and recorded once: later passes of every live node send nothing more.
        _time.Advance(TimeSpan.FromMinutes(5));
        await b.Sender.SendDueAsync(CancellationToken.None);
        await c.Sender.SendDueAsync(CancellationToken.None);
        Assert.Equal(2, _receiver.Requests.Count);
        var channel = Assert.Single(await _stores[0].ListAlertChannelsAsync(CancellationToken.None));
        Assert.Equal((false, 0), (channel.Failing, channel.Pending));
    }

    private (AlertEvaluator Evaluator, AlertOutboxSender Sender) Node(int index)
    {
        var store = _stores[index];
        var sender = new AlertChannelSender(_http, new SecretResolver("/tmp", _ => null), _time, TimeSpan.FromSeconds(15));
        return (new AlertEvaluator(_config, store, new StoreAlertFacts(store, _time), _time),
            new AlertOutboxSender(_config.Notifiers, store, sender, _time, new AlertOptions { Holder = $"node-{index}" }));
    }

    private async Task RunAsync(string target, RunStatus status)
    {
        var store = _stores[^1];
        var id = await store.StartRunAsync(new NewRun(target, "schedule", "pull", false), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = "x" }, CancellationToken.None);
    }
}
