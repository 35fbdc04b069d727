using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Notifications;
using Syncplane.Server.Telemetry;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Server;

/// <summary>What a node runs beside its HTTP server.</summary>
/// <param name="Server">Where to listen and whom to let in.</param>
/// <param name="Worker">The workers' options; null runs no workers (an API-only node).</param>
/// <param name="Scheduler">Whether this node competes for the scheduler lease.</param>
/// <param name="Events">The event hub's tuning; null for the defaults.</param>
/// <param name="Checks">Whether this node competes for the checks lease and runs declared checks on their intervals.</param>
/// <param name="Metrics">How fresh <c>/metrics</c> is kept; null for the defaults.</param>
/// <param name="Alerts">How alert rules are evaluated and sent; null for the defaults.</param>
internal sealed record NodeOptions(ServerOptions Server, WorkerOptions? Worker, bool Scheduler, EventHubOptions? Events = null, bool Checks = true, MetricsOptions? Metrics = null,
    Alerts.AlertOptions? Alerts = null);

/// <summary>
/// One Syncplane node as <c>syncplane serve</c> runs it: the HTTP server, the event hub, workers and the
/// scheduler, sharing one store. Tests start the same thing on 127.0.0.1 with port 0.
/// </summary>
internal sealed class SyncplaneNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];
    private readonly WebApplication _app;
    private readonly SyncplaneMetrics _metrics;

    private SyncplaneNode(WebApplication app, ServerContext context, SyncplaneMetrics metrics)
    {
        _app = app;
        _metrics = metrics;
        Context = context;
    }

    public ServerContext Context { get; }

    /// <summary>The web application's services (its endpoint data source, for tests that enumerate routes).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Completes when the node's workers stop (at shutdown, or when they drain the queue with <see cref="WorkerOptions.ExitWhenIdle"/>).</summary>
    public Task WorkersDone { get; private set; } = Task.Delay(Timeout.Infinite);

    /// <summary>The addresses the server listens on, ports resolved (for <c>:0</c>).</summary>
    public IReadOnlyList<Uri> Urls =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    public static async Task<SyncplaneNode> StartAsync(
        SyncplaneConfig config, SecretResolver secrets, ISyncStore store, TimeProvider time, NodeOptions options, Action<WorkerEvent>? onWorkerEvent, Action<string>? log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hub = new EventHub(store, time, options.Events);
        var context = new ServerContext(config, secrets, store, time, hub);
        var snapshots = new MetricsSnapshots(context, options.Metrics ?? new MetricsOptions());
        var metrics = new SyncplaneMetrics(snapshots, time);
        var node = new SyncplaneNode(SyncplaneServer.Build(context, options.Server, metrics), context, metrics);
        node._background.Add(hub.RunAsync(node._stop.Token));
        node._background.Add(new Retention(store, config.Retention, time, log).RunAsync(node._stop.Token));
        node._background.Add(new RollupFolder(store, time).RunAsync(node._stop.Token));
        await hub.Started.WaitAsync(cancellationToken);
        await snapshots.StartAsync(cancellationToken);
        node._background.Add(snapshots.RunAsync(node._stop.Token));
        await node._app.StartAsync(cancellationToken);
        if (options.Worker is { } workerOptions)
        {
            // Watched folders (watch: true, realtime): this node's workers read only the paths its watchers saw change.
            var journals = new Engine.Watch.ChangeJournals();
            var runner = new SyncRunner(config, store, time, ConnectorRegistry.Default, secrets) { Journals = journals };
            node.WorkersDone = new Worker(config, store, runner, time, workerOptions, onWorkerEvent).RunAsync(node._stop.Token);
            node._background.Add(node.WorkersDone);
            node._background.Add(new Engine.Watch.WatchService(config, store, time, journals, log).RunAsync(node._stop.Token));
        }

        if (options.Scheduler)
        {
            node._background.Add(new Scheduler(config, store, time, new SchedulerOptions(), log).RunAsync(node._stop.Token));
        }

        if (options.Checks && config.Checks.Items.Count > 0)
        {
            var checkRunner = new CheckRunner(time, secrets);
            node._background.Add(new CheckScheduler(config.Checks, store, checkRunner, time, new CheckSchedulerOptions { StatusFile = CheckStatusFile.PathFor(config) }, log).RunAsync(node._stop.Token));
        }

        if (config.Notifiers.Count > 0)
        {
            node._background.Add(new NotificationDispatcher(config.Notifiers, store, hub, secrets, time, new NotificationOptions(), log).RunAsync(node._stop.Token));
        }

        if (config.Alerts.Count > 0)
        {
            node._background.Add(new Alerts.AlertService(config, store, hub, secrets, time, options.Alerts ?? new Alerts.AlertOptions(), log).RunAsync(node._stop.Token));
        }

        return node;
    }

    /// <summary>Stops taking requests, lets workers finish or release their runs, and stops the scheduler and hub.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_background);
        await _app.StopAsync();
        foreach (var line in Syncplane.Telemetry.StageTimes.Summary())
        {
            Console.Error.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        await _app.DisposeAsync();
        _metrics.Dispose();
        _stop.Dispose();
    }
}
