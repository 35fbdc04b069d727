namespace Syncplane.Server.Telemetry;

/// <summary>How fresh the numbers behind <c>/metrics</c> are kept.</summary>
internal sealed record MetricsOptions
{
    /// <summary>The longest a snapshot is served without being retaken, for changes that emit no event (a queued run falling due). <value>15 s</value></summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a run event waits for the events right behind it, so that a burst is one snapshot; at least four times
    /// as long as the last snapshot took, so that snapshots keep the store busy a fifth of the time at most. <value>200 ms</value>
    /// </summary>
    public TimeSpan EventSettle { get; init; } = TimeSpan.FromMilliseconds(200);
}
