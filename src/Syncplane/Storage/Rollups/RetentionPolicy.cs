namespace Syncplane.Storage.Rollups;

/// <summary>
/// How long raw rows are kept (top-level <c>retention:</c>); rollups are never pruned except hourly ones after
/// <see cref="HourlyRollups"/>. A target's newest finished run and its newest successful run are always kept (they
/// carry its status and last error), as are queued and running runs.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Finished runs, with their logs, by finish time. <value>90 days</value></summary>
    public TimeSpan Runs { get; init; } = TimeSpan.FromDays(90);

    /// <summary>The event log. <value>7 days</value></summary>
    public TimeSpan Events { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Check results. <value>30 days</value></summary>
    public TimeSpan CheckResults { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Webhook delivery ids remembered against redelivery, and each sql-table key's last event time (by that time) kept
    /// against older events. <value>30 days</value>
    /// </summary>
    public TimeSpan WebhookDeliveries { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Hourly rollups (daily ones are kept for good). <value>400 days</value></summary>
    public TimeSpan HourlyRollups { get; init; } = TimeSpan.FromDays(400);

    /// <summary>How often <c>serve</c> prunes. <value>1 hour</value></summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>How many rows one prune deleted, per kind.</summary>
public sealed record PruneResult(int Runs, int LogLines, int Events, int CheckResults, int WebhookDeliveries, int HourlyRollups)
{
    /// <summary>Per-key event times of sql tables whose event is older than <see cref="RetentionPolicy.WebhookDeliveries"/>.</summary>
    public int RecordEventTimes { get; init; }

    /// <summary>All rows deleted.</summary>
    public int Total => Runs + LogLines + Events + CheckResults + WebhookDeliveries + HourlyRollups + RecordEventTimes;
}
