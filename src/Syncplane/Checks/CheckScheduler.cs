using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Checks;

/// <summary>How a <see cref="CheckScheduler"/> holds its lease.</summary>
internal sealed record CheckSchedulerOptions
{
    /// <summary>Names this node in the "checks" lease.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>How long the lease holds without renewal; renewed at least every third of it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Runs every declared check on its own <c>interval</c> inside <c>syncplane serve</c>: a check is due when its
/// newest stored result (from this scheduler, <c>syncplane check</c> or a <c>requires:</c> gate) is at least
/// <c>interval</c> old. Each result is stored, and a status change appends a <c>check.changed</c> event.
/// One node probes at a time — the holder of the "checks" lease; the others serve results from the store.
/// </summary>
internal sealed class CheckScheduler(ChecksConfig checks, ISyncStore store, CheckRunner runner, TimeProvider time, CheckSchedulerOptions options, Action<string>? onLog = null)
{
    /// <summary>The name of the lease that makes a node the one that probes.</summary>
    public const string LeaseName = "checks";

    private bool _active;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var renew = options.LeaseDuration / 3;
        while (!stopping.IsCancellationRequested)
        {
            var sleep = renew;
            try
            {
                sleep = await PassAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                onLog?.Invoke($"checks: {ex.Message}; retrying in {DurationParser.Format(renew)}");
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

    /// <summary>One pass: take or renew the lease, run the checks that are due, and return how long to sleep.</summary>
    internal async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        var renew = options.LeaseDuration / 3;
        if (!await store.TryAcquireLeaseAsync(LeaseName, options.Holder, options.LeaseDuration, cancellationToken))
        {
            if (_active)
            {
                onLog?.Invoke("checks: standby (another node holds the checks lease)");
                _active = false;
            }

            return renew;
        }

        if (!_active)
        {
            onLog?.Invoke($"checks: active for {checks.Items.Count} check(s)");
            _active = true;
        }

        var latest = (await store.ListLatestCheckResultsAsync(cancellationToken)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var due = checks.Items.Where(c => !latest.TryGetValue(c.Name, out var last) || now - last.CheckedAt >= c.Interval).ToList();
        var results = await runner.RunAsync(due, cancellationToken);
        foreach (var result in results)
        {
            await CheckRecorder.RecordAsync(store, result, latest.GetValueOrDefault(result.Name), cancellationToken);
            latest[result.Name] = result;
        }

        now = time.GetUtcNow();
        var sleep = renew;
        foreach (var check in checks.Items)
        {
            var wait = latest[check.Name].CheckedAt + check.Interval - now;
            sleep = wait < sleep ? wait : sleep;
        }

        return sleep > TimeSpan.Zero ? sleep : TimeSpan.Zero;
    }
}
