using System.Diagnostics.Metrics;
using Syncplane.Server.Api;
using Syncplane.Storage;

namespace Syncplane.Server.Telemetry;

/// <summary>
/// The <c>Syncplane</c> meter: observable instruments that read the node's <see cref="MetricsSnapshots"/>, so that
/// collecting them (a <c>/metrics</c> scrape, an OTLP export) never queries the store. Cluster-wide numbers: every
/// node reports the same ones.
/// </summary>
internal sealed class SyncplaneMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Syncplane";

    private readonly MetricsSnapshots _snapshots;
    private readonly TimeProvider _time;

    public SyncplaneMetrics(MetricsSnapshots snapshots, TimeProvider time)
    {
        _snapshots = snapshots;
        _time = time;
        Meter = new Meter(MeterName);
        Meter.CreateObservableCounter("syncplane_runs", () => Runs(active: false), "{run}", "Finished runs by target and status.");
        Meter.CreateObservableGauge("syncplane_runs_active", () => Runs(active: true), "{run}", "Queued and running runs by target and status.");
        Meter.CreateObservableGauge("syncplane_run_duration_seconds_sum", DurationSums, null, "Summed start-to-finish time of finished runs, per target (seconds).");
        Meter.CreateObservableGauge("syncplane_run_duration_seconds_count", DurationCounts, null, "Finished runs with a duration, per target.");
        Meter.CreateObservableGauge("syncplane_queue_depth", () => Single(s => s.Statistics.QueueDepth), "{run}", "Queued runs that are due now.");
        Meter.CreateObservableGauge("syncplane_queue_lag", QueueLag, "s", "How long the oldest due queued run has waited (0 when none waits).");
        Meter.CreateObservableGauge("syncplane_target_last_success_timestamp", LastSuccess, "s", "When the target's last good run finished (Unix time); absent if it never succeeded.");
        Meter.CreateObservableGauge("syncplane_target_freshness", Freshness, "s", "Seconds since the target's last good run finished; absent if it never succeeded.");
        Meter.CreateObservableGauge("syncplane_target_consecutive_failures", ConsecutiveFailures, "{run}", "Failed runs since the target's last good run.");
        Meter.CreateObservableGauge("syncplane_metrics_snapshot_age", SnapshotAge, "s", "How old the store snapshot behind these metrics is.");
    }

    /// <summary>This node's meter (other nodes in the same process have their own, under the same name).</summary>
    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();

    private static KeyValuePair<string, object?> Target(string target) => new("target", target);

    private IEnumerable<Measurement<long>> Runs(bool active) =>
        _snapshots.Latest is not { } s ? [] : s.Statistics.Groups.Where(g => RunView.IsActive(g.Status) == active)
            .Select(g => new Measurement<long>(g.Count, Target(g.Target), new("status", StoreText.From(g.Status))));

    private IEnumerable<Measurement<double>> DurationSums() =>
        _snapshots.Latest is not { } s ? [] : s.Statistics.Durations.Select(d => new Measurement<double>(d.Seconds, Target(d.Target)));

    private IEnumerable<Measurement<long>> DurationCounts() =>
        _snapshots.Latest is not { } s ? [] : s.Statistics.Durations.Select(d => new Measurement<long>(d.Count, Target(d.Target)));

    private IEnumerable<Measurement<long>> Single(Func<MetricsSnapshot, long> value) =>
        _snapshots.Latest is not { } s ? [] : [new Measurement<long>(value(s))];

    // Measured at collection from the snapshot's oldest due run: it ages between snapshots as it would in the store.
    private IEnumerable<Measurement<double>> QueueLag() =>
        _snapshots.Latest is not { } s ? []
            : [new Measurement<double>(s.Statistics.OldestDueAt is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0)];

    private IEnumerable<Measurement<double>> LastSuccess() =>
        _snapshots.Latest is not { } s ? [] : s.Known.Where(t => t.LastSuccessAt is not null)
            .Select(t => new Measurement<double>(t.LastSuccessAt!.Value.ToUnixTimeMilliseconds() / 1000.0, Target(t.Target)));

    private IEnumerable<Measurement<double>> Freshness()
    {
        var now = _time.GetUtcNow();
        return _snapshots.Latest is not { } s ? [] : s.Known.Where(t => t.LastSuccessAt is not null)
            .Select(t => new Measurement<double>(Math.Max(0, (now - t.LastSuccessAt!.Value).TotalSeconds), Target(t.Target)));
    }

    private IEnumerable<Measurement<long>> ConsecutiveFailures() =>
        _snapshots.Latest is not { } s ? [] : s.ConsecutiveFailures.Select(t => new Measurement<long>(t.Failures, Target(t.Target)));

    private IEnumerable<Measurement<double>> SnapshotAge() =>
        _snapshots.Latest is not { } s ? [] : [new Measurement<double>(Math.Max(0, (_time.GetUtcNow() - s.TakenAt).TotalSeconds))];
}
