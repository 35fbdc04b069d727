using Syncplane.Config;
using Syncplane.Scheduling;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// Enqueues due targets. One scheduler is active per store: it holds the "scheduler" lease (renewed every
/// third of its duration; standby nodes keep trying), sleeps until the earliest due time, and records each
/// firing under (target, slot) before enqueueing, so two briefly active schedulers cannot fire a slot twice.
/// Runtime frequency overrides and pauses are read from the store on every pass.
/// </summary>
internal sealed class Scheduler(SyncplaneConfig config, ISyncStore store, TimeProvider time, SchedulerOptions options, Action<string>? onLog = null)
{
    /// <summary>The name of the lease that makes a scheduler active.</summary>
    public const string LeaseName = "scheduler";

    private readonly Dictionary<string, TargetConfig> _targets = config.Targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
    // The stored frequency override and pause the queue was last given, for the targets that have either; a target
    // missing here was planned with neither (at 100,000 targets, an entry for every one was about 5 MB).
    private readonly Dictionary<string, (string? Override, bool Paused)> _known = new(StringComparer.Ordinal);

    // A watched folder's schedule is its full scan: the runs its changes start (which read only changed paths) do not move it.
    private readonly HashSet<string> _watched = [.. config.Targets.Where(t => Watch.WatchedTargets.Of(t) is not null).Select(t => t.Name)];
    private DueQueue? _queue;
    private DateTimeOffset? _refreshedAt;

    /// <summary>True while this scheduler holds the lease.</summary>
    public bool IsActive => Volatile.Read(ref _queue) is not null;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var renew = options.LeaseDuration / 3;
        while (!stopping.IsCancellationRequested)
        {
            var sleep = renew;
            try
            {
                sleep = await PassAsync(renew, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                onLog?.Invoke($"scheduler: {ex.Message}; retrying in {DurationParser.Format(renew)}");
            }

            try
            {
                await Task.Delay(sleep, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One pass: take or renew the lease, refresh the targets, fire what is due; returns how long to sleep.</summary>
    internal async Task<TimeSpan> PassAsync(TimeSpan renew, CancellationToken ct)
    {
        if (!await store.TryAcquireLeaseAsync(LeaseName, options.Holder, options.LeaseDuration, ct))
        {
            if (_queue is not null)
            {
                onLog?.Invoke("scheduler: standby (another node holds the scheduler lease)");
                _queue = null;
            }

            return renew;
        }

        if (_queue is null)
        {
            _queue = await LoadAsync(ct);
            _refreshedAt = null;
            onLog?.Invoke($"scheduler: active for {_queue.Count} target(s)");
        }

        var now = time.GetUtcNow();
        if (_refreshedAt is not { } refreshed || now - refreshed >= options.RefreshInterval)
        {
            await RefreshAsync(_queue, ct);
            _refreshedAt = now;
        }

        foreach (var firing in _queue.TakeDue(now))
        {
            if (await RanWithinIntervalAsync(_queue, firing.Target, now, ct))
            {
                continue;
            }

            if (await store.RecordFiringAsync(firing.Target, firing.Slot, ct))
            {
                var target = _targets[firing.Target];
                var direction = target.Direction.ToString().ToLowerInvariant();
                var queued = await store.EnqueueAsync(new RunRequest(firing.Target, "schedule", RunPriority.Scheduled, now, direction, config.Defaults.DryRun), ct);
                onLog?.Invoke($"scheduler: {firing.Target} due at {firing.Slot.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z queued as run {queued.RunId}{(queued.Coalesced ? " (coalesced)" : "")}");
            }
        }

        var wake = _queue.WakeAt - time.GetUtcNow();
        return wake is { } w && w < renew ? (w < TimeSpan.Zero ? TimeSpan.Zero : w) : renew;
    }

    // An interval counts from the last run, which a manual sync or a webhook may have started since the last
    // firing: when one started less than an interval ago, the firing is skipped and re-planned from that start.
    private async Task<bool> RanWithinIntervalAsync(DueQueue queue, string name, DateTimeOffset now, CancellationToken ct)
    {
        if (_watched.Contains(name) ||
            queue.Get(name) is not { Effective.Interval: { } interval } scheduled ||
            (await store.GetTargetStateAsync(name, ct))?.LastAttemptedAt is not { } started ||
            started + interval <= now)
        {
            return false;
        }

        // That run started after the previous firing was due (else this firing would not be due yet), so only it counts.
        // A scheduled run that started a moment after its firing moves the next one by that moment, as "from the last run" says.
        queue.Set(scheduled with { LastSlot = null, LastRunAt = started }, now);
        return true;
    }

    private async Task<DueQueue> LoadAsync(CancellationToken ct)
    {
        var last = await store.GetLastFiringsAsync(ct);
        // Once per activation: intervals count from the last run, which need not be a firing (RanWithinIntervalAsync keeps it current).
        var ran = (await store.ListTargetStatesAsync(ct)).ToDictionary(s => s.Target, s => s.LastAttemptedAt, StringComparer.Ordinal);
        var queue = new DueQueue(config.Targets.Count);
        var now = time.GetUtcNow();
        _known.Clear();
        foreach (var target in config.Targets)
        {
            var slot = last.TryGetValue(target.Name, out var s) ? s : (DateTimeOffset?)null;
            queue.Set(new ScheduledTarget(target.Name, target.Schedule, slot, target.Jitter ?? config.Defaults.Jitter, LastRunAt: _watched.Contains(target.Name) ? null : ran.GetValueOrDefault(target.Name)), now);
        }

        return queue;
    }

    // Applies frequency overrides and pauses that changed since the last pass.
    private async Task RefreshAsync(DueQueue queue, CancellationToken ct)
    {
        // Only the settings: the telemetry derived from every run (ListTargetStatesAsync) took seconds per pass with a million runs.
        var settings = (await store.ListTargetSettingsAsync(ct)).ToDictionary(s => s.Target, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var target in config.Targets)
        {
            var state = settings.GetValueOrDefault(target.Name);
            var current = (state?.FrequencyOverride, state?.PausedReason is not null);
            if (_known.GetValueOrDefault(target.Name) == current || queue.Get(target.Name) is not { } scheduled)
            {
                continue;
            }

            if (current == default)
            {
                _known.Remove(target.Name);
            }
            else
            {
                _known[target.Name] = current;
            }
            Schedule? frequency = null;
            if (current.FrequencyOverride is { } text && !Schedule.TryParse(text, target.Schedule.TimeZone, out frequency, out var error))
            {
                onLog?.Invoke($"scheduler: {target.Name}: ignoring stored frequency '{text}': {error}");
                frequency = null;
            }

            queue.Set(scheduled with { FrequencyOverride = frequency, Paused = current.Item2 }, now);
        }
    }
}
