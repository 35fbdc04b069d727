namespace Syncplane.Engine;

/// <summary>How a <see cref="Scheduler"/> holds its lease.</summary>
internal sealed record SchedulerOptions
{
    /// <summary>Names this node in the "scheduler" lease.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>How long the lease holds without renewal; renewed every third of it, so a dead node is replaced within this time.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often runtime frequency overrides and pauses are re-read from the store (a full telemetry query).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);
}
