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

    /// <summary>The status file to rewrite after probes finish (see <see cref="CheckStatusFile"/>); <value>null: none</value>.</summary>
    public string? StatusFile { get; init; }
}

/// <summary>
/// Runs every declared check on its own <c>interval</c> inside <c>syncplane serve</c>: a check is due when its
/// newest stored result (from this scheduler, <c>syncplane check</c> or a <c>requires:</c> gate) is at least
/// <c>interval</c> old. Each result is stored, and a status change appends a <c>check.changed</c> event.
/// One node probes at a time — the holder of the "checks" lease; the others serve results from the store.
/// After probes finish, the prober rewrites the status file once for all of them.
/// </summary>
internal sealed class CheckScheduler(ChecksConfig checks, ISyncStore store, CheckRunner runner, TimeProvider time, CheckSchedulerOptions options, Action<string>? onLog = null)
{
    /// <summary>The name of the lease that makes a node the one that probes.</summary>
    public const string LeaseName = "checks";

    // Probes in flight, by check name: each check runs on its own, so a slow one never holds back the others.
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private bool _active;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled, then waits for probes in flight to stop.</summary>
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

            // Wake at the next due time, or as soon as a probe finishes (its next due time is then known).
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(sleep, time, wake.Token);
            await Task.WhenAny(_running.Count == 0 ? delay : Task.WhenAny(delay, Task.WhenAny(_running.Values)));
            await wake.CancelAsync();
            try
            {
                await delay;
            }
            catch (OperationCanceledException)
            {
                // Woken early, or stopping.
            }
        }

        await WhenProbesDoneAsync();
    }

    /// <summary>One pass: take or renew the lease, start the checks that are due, and return how long to sleep.</summary>
    internal async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        var renew = options.LeaseDuration / 3;
        var recorded = false;
        foreach (var (name, probe) in _running.Where(r => r.Value.IsCompleted).ToList())
        {
            _running.Remove(name);
            recorded |= probe.IsCompletedSuccessfully;
            if (probe.Exception is { } failed && !cancellationToken.IsCancellationRequested)
            {
                onLog?.Invoke($"checks: could not record check '{name}': {failed.GetBaseException().Message}");
            }
        }

        if (recorded)
        {
            await WriteStatusFileAsync(cancellationToken);
        }

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
        var sleep = renew;
        foreach (var check in checks.Items.Where(c => !_running.ContainsKey(c.Name)))
        {
            var last = latest.GetValueOrDefault(check.Name);
            var wait = last is null ? TimeSpan.Zero : last.CheckedAt + check.Interval - now;
            if (wait <= TimeSpan.Zero)
            {
                _running[check.Name] = ProbeAsync(check, last, cancellationToken);
            }
            else if (wait < sleep)
            {
                sleep = wait;
            }
        }

        return sleep;
    }

    /// <summary>Completes when every probe started so far has been recorded (or has failed).</summary>
    internal async Task WhenProbesDoneAsync()
    {
        try
        {
            await Task.WhenAll(_running.Values);
        }
        catch (Exception) when (_running.Values.All(t => t.IsCompleted))
        {
            // Reported by the next pass; at shutdown, cancellation.
        }
    }

    private async Task WriteStatusFileAsync(CancellationToken cancellationToken)
    {
        if (options.StatusFile is not { } path)
        {
            return;
        }

        try
        {
            await CheckStatusFile.WriteAsync(path, checks, store, time.GetUtcNow(), time, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            onLog?.Invoke($"checks: could not write the status file {path}: {ex.Message}");
        }
    }

    private async Task ProbeAsync(CheckConfig check, CheckResult? previous, CancellationToken cancellationToken)
    {
        var result = await runner.RunOneAsync(check, cancellationToken);
        await CheckRecorder.RecordAsync(store, result, previous, cancellationToken);
    }
}
