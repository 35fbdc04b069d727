using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// A run that waits in place — for a rate-limit token, or for an upstream's <c>Retry-After</c> in <c>syncplane run</c> —
/// says so at once: in its log and its status in the store (waiting, until when), and to the person running it.
/// </summary>
/// <param name="store">Where the run's log and waiting state go.</param>
/// <param name="runId">The run.</param>
/// <param name="log">The run's log; its lines so far are recorded with the wait, so the log reads in order.</param>
/// <param name="time">The clock the wait runs on.</param>
/// <param name="onWait">Told each wait's sentence (the CLI prints it).</param>
internal sealed class RunWaits(ISyncStore store, long runId, RunLog log, TimeProvider time, Action<string>? onWait)
{
    /// <summary>Logs and records <paramref name="reason"/>, then waits until <paramref name="until"/> (cancellable).</summary>
    public async Task WaitAsync(string reason, DateTimeOffset until, CancellationToken cancellationToken)
    {
        log.Info(reason);
        onWait?.Invoke(reason);
        var lines = log.Lines;
        try
        {
            await store.RecordWaitAsync(runId, reason, until, lines, cancellationToken);
            log.MarkRecorded(lines.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is unreachable: the wait goes on, and the lines are recorded with the run's end.
        }

        await DelayUntilAsync(until, time, cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="until"/>, never less, so a run does not wake just before its rate-limit token
    /// exists (and log a second wait). Timers count whole milliseconds on a coarse clock (on Linux it ticks every
    /// few milliseconds), so they can fire a little early: the wait is rounded up and goes on until the time is reached.
    /// </summary>
    public static async Task DelayUntilAsync(DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        for (var wait = until - time.GetUtcNow(); wait > TimeSpan.Zero; wait = until - time.GetUtcNow())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time, cancellationToken);
        }
    }

    /// <summary>A wait for a sentence: "40s", in whole seconds rounded up ("0s" for none).</summary>
    public static string Format(TimeSpan wait) => wait <= TimeSpan.Zero ? "0s" : DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)));
}
