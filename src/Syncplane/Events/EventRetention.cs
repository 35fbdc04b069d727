using Syncplane.Storage;

namespace Syncplane.Events;

/// <summary>
/// Keeps the event log from growing without bound: at start and then every <see cref="Interval"/>, deletes
/// events older than <see cref="Keep"/>. Several nodes may run it at once; a delete is idempotent.
/// </summary>
/// <remarks>A client that resumes with a Last-Event-ID older than what is kept gets what is left, from the oldest kept event on.</remarks>
internal sealed class EventRetention(ISyncStore store, TimeProvider time, Action<string>? log = null)
{
    /// <summary>How long events are kept. <value>7 days</value></summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(7);

    /// <summary>How often old events are deleted. <value>1 hour</value></summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var pruned = await store.PruneEventsAsync(time.GetUtcNow() - Keep, stopping);
                if (pruned > 0)
                {
                    log?.Invoke($"events: deleted {pruned} event(s) older than {Config.DurationParser.Format(Keep)}");
                }

                await Task.Delay(Interval, time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is unreachable; try again at the next interval.
                await Task.Delay(Interval, time, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
