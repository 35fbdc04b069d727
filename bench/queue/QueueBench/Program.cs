using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Storage.Sqlite;

namespace QueueBench;

/// <summary>
/// The Syncplane side of bench/queue/run.sh. Commands:
///   enqueue  STORE COUNT PREFIX                    queue COUNT runs of distinct targets PREFIX000001…, as fast as one loop can
///   trickle  STORE COUNT PREFIX INTERVAL_MS OUT    queue one run every INTERVAL_MS; OUT gets "runId enqueuedUnixSeconds" lines
///   work     STORE CONCURRENCY OUT [--exit-when-idle]
///                                                 claim and complete runs like Syncplane's Worker, with a no-op run body;
///                                                 OUT gets "runId startedUnixSeconds" lines on exit (SIGTERM or drained)
///            [--trickle COUNT PREFIX INTERVAL_MS TRICKLE_OUT]
///                                                 also trickle from this process, after 3 s, then stop 1 s after the
///                                                 last enqueue (how `syncplane serve` enqueues: in the worker's process)
/// STORE is "sqlite:PATH" or an Npgsql connection string / postgres:// URL.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: queuebench enqueue|trickle|work STORE …");
            return 2;
        }

        await using var store = OpenStore(args[1]);
        await store.MigrateAsync(CancellationToken.None); // as every host does at start-up
        switch (args[0])
        {
            case "enqueue":
                return await EnqueueAsync(store, int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
            case "trickle":
                return await TrickleAsync(store, int.Parse(args[2], CultureInfo.InvariantCulture), args[3], int.Parse(args[4], CultureInfo.InvariantCulture), args[5]);
            case "work":
                return await WorkAsync(store, int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args.Contains("--exit-when-idle"), TrickleOption(args));
            default:
                await Console.Error.WriteLineAsync($"unknown command {args[0]}");
                return 2;
        }
    }

    private static ISyncStore OpenStore(string location) => location.StartsWith("sqlite:", StringComparison.Ordinal)
        ? new SqliteSyncStore(location["sqlite:".Length..], TimeProvider.System)
        : new PostgresSyncStore(location, TimeProvider.System);

    private static double UnixSeconds() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    private static string Target(string prefix, int i) => prefix + i.ToString("D6", CultureInfo.InvariantCulture);

    private static RunRequest Request(string target) =>
        new(target, "manual", RunPriority.Manual, TimeProvider.System.GetUtcNow());

    private static async Task<int> EnqueueAsync(ISyncStore store, int count, string prefix)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 1; i <= count; i++)
        {
            await store.EnqueueAsync(Request(Target(prefix, i)), CancellationToken.None);
        }

        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enqueued {count} runs in {seconds:F2} s ({count / seconds:F0}/s)"));
        return 0;
    }

    private static async Task<int> TrickleAsync(ISyncStore store, int count, string prefix, int intervalMs, string output)
    {
        var lines = new StringBuilder();
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var start = TimeProvider.System.GetTimestamp();
        for (var i = 1; i <= count; i++)
        {
            // Paced against the start, so a slow enqueue does not stretch the schedule.
            var due = interval * (i - 1) - TimeProvider.System.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var at = UnixSeconds();
            var result = await store.EnqueueAsync(Request(Target(prefix, i)), CancellationToken.None);
            lines.Append(CultureInfo.InvariantCulture, $"{result.RunId} {at:F6}\n");
        }

        await File.WriteAllTextAsync(output, lines.ToString());
        return 0;
    }

    private static string[]? TrickleOption(string[] args)
    {
        var at = Array.IndexOf(args, "--trickle");
        return at < 0 ? null : args[(at + 1)..(at + 5)];
    }

    private static async Task<int> WorkAsync(ISyncStore store, int concurrency, string output, bool exitWhenIdle, string[]? trickle)
    {
        using var stopping = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });
        var worker = new NoOpWorker(store, concurrency, exitWhenIdle);
        var running = worker.RunAsync(stopping.Token);
        if (trickle is not null)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await TrickleAsync(store, int.Parse(trickle[0], CultureInfo.InvariantCulture), trickle[1], int.Parse(trickle[2], CultureInfo.InvariantCulture), trickle[3]);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopping.CancelAsync();
        }

        await running;
        var lines = new StringBuilder();
        foreach (var (runId, at) in worker.Started)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{runId} {at:F6}\n");
        }

        await File.WriteAllTextAsync(output, lines.ToString());
        // The process's own CPU and JIT work, so a loaded machine's wall time is not the only figure.
        var cpu = Environment.CpuUsage;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worker {Environment.ProcessId}: {worker.Started.Count} runs, {worker.Failed} completions refused; CPU {cpu.TotalTime.TotalSeconds:F2} s " +
            $"(user {cpu.UserTime.TotalSeconds:F2}, system {cpu.PrivilegedTime.TotalSeconds:F2}); JIT {System.Runtime.JitInfo.GetCompiledMethodCount()} methods " +
            $"in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F2} s"));
        return worker.Failed == 0 ? 0 : 1;
    }

    /// <summary>Now, as Unix seconds with sub-millisecond digits (Python's time.time() on the RQ side).</summary>
    internal static double Now() => UnixSeconds();
}
