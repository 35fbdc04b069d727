using System.Collections.Concurrent;
using System.Diagnostics;
using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Notifications;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Notifications;

/// <summary>A store, its event hub and a notification dispatcher over a <c>notifiers:</c> config, with the dispatcher's log collected.</summary>
internal sealed class NotificationBed : IAsyncDisposable
{
    private readonly List<(CancellationTokenSource Stop, Task Hub, Task Dispatcher)> _running = [];
    private readonly bool _ownsStore;

    public NotificationBed(ISyncStore store, TimeProvider time, TempDirectory directory, bool ownsStore)
    {
        Store = store;
        Time = time;
        Directory = directory;
        _ownsStore = ownsStore;
    }

    public ISyncStore Store { get; }

    public TimeProvider Time { get; }

    public TempDirectory Directory { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Environment variables that secret references resolve from.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Fast retries, so tests that exercise them finish at once (the FakeTimeProvider tests use the defaults).</summary>
    public NotificationOptions Options { get; set; } = new() { Backoff = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)], LeaseDuration = TimeSpan.FromSeconds(3) };

    public static async Task<NotificationBed> SqliteAsync(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var directory = new TempDirectory();
        var store = new SqliteSyncStore(directory.Combine("s.db"), time);
        await store.MigrateAsync(CancellationToken.None);
        return new NotificationBed(store, time, directory, ownsStore: true);
    }

    public static IReadOnlyList<NotifierConfig> Notifiers(string yaml) =>
        ConfigLoader.Default.Parse(yaml + "\ntargets:\n  t: { entrypoint: \"true\" }\n", "/work/cfg/syncplane.yaml").Notifiers;

    /// <summary>Starts a hub and a dispatcher (a "node"); returns a handle that stops them.</summary>
    /// <remarks>With <paramref name="waitActive"/>, returns once the dispatcher follows the log.</remarks>
    /// <remarks>With <paramref name="store"/>, the node uses that store (another connection to the same database) instead of <see cref="Store"/>.</remarks>
    public async Task<NotificationDispatcher> StartAsync(string yaml, string holder = "node-a", bool waitActive = true, ISyncStore? store = null)
    {
        store ??= Store;
        var stop = new CancellationTokenSource();
        var hub = new EventHub(store, Time);
        var hubTask = hub.RunAsync(stop.Token);
        await hub.Started;
        var dispatcher = new NotificationDispatcher(Notifiers(yaml), store, hub, new SecretResolver(Directory.Path, name => Environment.GetValueOrDefault(name)), Time,
            Options with { Holder = holder }, line => Log.Enqueue($"{holder}: {line}"));
        _running.Add((stop, hubTask, dispatcher.RunAsync(stop.Token)));
        if (waitActive)
        {
            await WaitUntilAsync(() => dispatcher.IsActive, $"{holder} to become active");
        }

        return dispatcher;
    }

    /// <summary>Stops the <paramref name="index"/>th started node.</summary>
    public async Task StopAsync(int index)
    {
        var (stop, hub, dispatcher) = _running[index];
        await stop.CancelAsync();
        await dispatcher;
        await hub;
    }

    /// <summary>Records a run of <paramref name="target"/> that ended with <paramref name="status"/>; returns its id.</summary>
    public async Task<long> RunEndsAsync(string target, RunStatus status, string message = "done", int attempt = 1)
    {
        var id = await Store.StartRunAsync(new NewRun(target, "schedule", "pull", false, attempt), CancellationToken.None);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = message, SourceRevision = "abc123", Revision = "abc123" }, CancellationToken.None);
        return id;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what = "condition")
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _running.Count; i++)
        {
            if (!_running[i].Stop.IsCancellationRequested)
            {
                await StopAsync(i);
            }

            _running[i].Stop.Dispose();
        }

        if (_ownsStore && Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Directory.Dispose();
    }
}
