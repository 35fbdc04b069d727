using System.Diagnostics;
using System.Threading.Channels;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Tests.Support;

/// <summary>
/// A config in a temp directory, a real SQLite store on a <see cref="FakeTimeProvider"/>, and helpers to run
/// workers and schedulers against them while the test drives the clock.
/// </summary>
internal sealed class EngineTestBed : IAsyncDisposable
{
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(30);
    private readonly List<(Task Task, CancellationTokenSource Stop)> _loops = [];

    public EngineTestBed(string yaml)
    {
        Directory.Write("syncplane.yaml", yaml);
        Config = ConfigLoader.Default.Load(Directory.Combine("syncplane.yaml"));
        Secrets = new SecretResolver(Config.BaseDirectory);
        Store = new SqliteSyncStore(Directory.Combine(".syncplane", "test.db"), Time);
    }

    public TempDirectory Directory { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public SyncplaneConfig Config { get; }

    public SecretResolver Secrets { get; }

    public ISyncStore Store { get; }

    /// <summary>Every worker event, in order, from every worker started here.</summary>
    public Channel<WorkerEvent> Events { get; } = Channel.CreateUnbounded<WorkerEvent>();

    public static async Task<EngineTestBed> CreateAsync(string yaml)
    {
        var bed = new EngineTestBed(yaml);
        await bed.Store.MigrateAsync(CancellationToken.None);
        return bed;
    }

    public Worker NewWorker(WorkerOptions? options = null, ISyncStore? store = null)
    {
        var through = store ?? Store;
        var runner = new SyncRunner(Config, through, Time, ConnectorRegistry.Default, Secrets);
        return new Worker(Config, through, runner, Time, options ?? new WorkerOptions { IdleWait = TimeSpan.FromSeconds(1) }, e => Events.Writer.TryWrite(e));
    }

    /// <summary>Starts a loop (a worker's or a scheduler's RunAsync); returns what stops it.</summary>
    public CancellationTokenSource Start(Func<CancellationToken, Task> loop)
    {
        var stop = new CancellationTokenSource();
        _loops.Add((Task.Run(() => loop(stop.Token)), stop));
        return stop;
    }

    public Task<EnqueueResult> EnqueueAsync(string target, RunPriority priority = RunPriority.Manual, string trigger = "manual") =>
        Store.EnqueueAsync(new RunRequest(target, trigger, priority, Time.UtcNow), CancellationToken.None);

    /// <summary>
    /// Waits for the next event matching <paramref name="match"/>, advancing the fake clock by <paramref name="step"/>
    /// whenever nothing has happened for a moment (timers, backoffs and idle waits then fire). Bounded in real time.
    /// </summary>
    public async Task<WorkerEvent> NextEventAsync(Func<WorkerEvent, bool> match, TimeSpan step)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RealTimeout)
        {
            while (Events.Reader.TryRead(out var e))
            {
                if (match(e))
                {
                    return e;
                }
            }

            var more = Events.Reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(more, Task.Delay(25)) != more)
            {
                Time.Advance(step);
            }
        }

        throw new TimeoutException("no matching worker event within " + RealTimeout);
    }

    /// <summary>Advances the clock by <paramref name="step"/> until <paramref name="condition"/> holds; bounded in real time.</summary>
    public async Task AdvanceUntilAsync(Func<Task<bool>> condition, TimeSpan step)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > RealTimeout)
            {
                throw new TimeoutException("condition not met within " + RealTimeout);
            }

            Time.Advance(step);
            await Task.Delay(25);
        }
    }

    /// <summary>Advances the clock by <paramref name="total"/> in steps, letting loops react to each step.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            Time.Advance(step);
            await Task.Delay(25);
        }
    }

    public async Task<IReadOnlyList<RunRecord>> RunsAsync(string? target = null) =>
        await Store.ListRunsAsync(new RunQuery(target, Limit: 1000), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop) in _loops)
        {
            await stop.CancelAsync();
        }

        // Shutdown grace periods run on the fake clock: move it on until every loop has returned.
        var all = Task.WhenAll(_loops.Select(l => l.Task));
        var clock = Stopwatch.StartNew();
        while (!all.IsCompleted && clock.Elapsed < RealTimeout)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(all, Task.Delay(25));
        }

        foreach (var (_, stop) in _loops)
        {
            stop.Dispose();
        }

        await Store.DisposeAsync();
        Directory.Dispose();
    }
}
