using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// Turns a run's item progress (cumulative items applied) into <c>run.progress</c> events, at most one per
/// <see cref="Interval"/>, the first once the run has taken that long: a short run records no progress, only
/// its outcome, which keeps a run to the store writes it needs (each is a commit, and on SQLite an fsync).
/// </summary>
/// <remarks>Appends never block the sync: one append is in flight at a time, and a failed one is forgotten.</remarks>
internal sealed class RunProgressEvents(ISyncStore store, TimeProvider time, long runId, string target) : IProgress<int>
{
    /// <summary>The shortest time between two progress events of a run.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private long _lastAppendAt = time.GetTimestamp();
    private Task _appending = Task.CompletedTask;

    /// <summary>The items the plan writes, once planned; null when unknown.</summary>
    public int? Total { get; set; }

    public void Report(int value)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (!_appending.IsCompleted || time.GetElapsedTime(_lastAppendAt, now) < Interval)
            {
                return;
            }

            _lastAppendAt = now;
            _appending = AppendAsync(value);
        }
    }

    /// <summary>Waits for the progress event in flight, so it is recorded before the run's outcome.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _appending;
        }
    }

    private async Task AppendAsync(int done)
    {
        await Task.Yield(); // never append on the caller's thread while it holds the gate
        try
        {
            var data = new JsonObject { ["run_id"] = runId, ["target"] = target, ["done"] = done };
            if (Total is { } total)
            {
                data["total"] = total;
            }

            await store.AppendEventAsync(new NewEvent(EventTypes.RunProgress, target, runId, data), CancellationToken.None);
        }
        catch (Exception)
        {
            // Progress is a courtesy: the run's outcome is recorded regardless.
        }
    }
}
