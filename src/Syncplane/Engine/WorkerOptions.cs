namespace Syncplane.Engine;

/// <summary>How a <see cref="Worker"/> claims and runs queued runs.</summary>
internal sealed record WorkerOptions
{
    /// <summary>Names this worker in leases; unique per process.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>Runs in flight at once (at least 1).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>How long a claim holds without renewal; renewed every third of it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest idle wait for new work before looking again.</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired leases (crashed workers) are returned to the queue.</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, how long running runs may take to finish before they are released back to the queue.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a run waiting for a dependency stays queued before it is checked again.</summary>
    public TimeSpan DependencyRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stop once nothing runs (here or in another worker) and nothing is due (tests and scripts).</summary>
    public bool ExitWhenIdle { get; init; }
}
