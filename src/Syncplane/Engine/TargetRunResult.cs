using Syncplane.Config;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>How a run of one target ended, as the CLI and the report show it.</summary>
public sealed record TargetRunResult
{
    public required long RunId { get; init; }

    public required string Target { get; init; }

    public required SyncDirection Direction { get; init; }

    public required RunStatus Status { get; init; }

    public required string Message { get; init; }

    public required TimeSpan Duration { get; init; }

    public Plan? Plan { get; init; }

    public string? SourceRevision { get; init; }

    public IReadOnlyList<string> OutputsCreated { get; init; } = [];

    /// <summary>Null when no verification ran.</summary>
    public bool? VerificationPassed { get; init; }

    public string? CommitSha { get; init; }

    /// <summary>Not started: another run of the target was running (<see cref="Message"/> names it); recorded nowhere.</summary>
    public bool AlreadyRunning { get; init; }

    public bool Success => Status == RunStatus.Succeeded;

    /// <summary>True when the run failed because an upstream kept rate limiting it longer than <see cref="RunOptions.MaxRateLimitWait"/>.</summary>
    public bool RateLimited { get; init; }
}

/// <summary>What a caller wants from a run.</summary>
/// <param name="DryRun">Plan and print, write nothing.</param>
/// <param name="Verify">Run the target's verification even when defaults.verify is off.</param>
/// <param name="Trigger">What started the run (cli, schedule, webhook, manual).</param>
public sealed record RunOptions(bool DryRun = false, bool Verify = false, string Trigger = "cli")
{
    /// <summary>The longest a direct run (<c>syncplane run</c>) waits in all for upstreams that rate limit it (HTTP 429) before it fails. <value>5 minutes</value></summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// For a bidirectional target: ignore the listing of the last run and make both sides the union of the two, the
    /// newer copy winning where both have a key (required for the first run). <value>false</value>
    /// </summary>
    public bool Resync { get; init; }

    /// <summary>Which attempt of the run this is (a queued run's retries count up), for its trace span. <value>1</value></summary>
    internal int Attempt { get; init; } = 1;

    /// <summary>The W3C traceparent of the span that queued the run (a webhook delivery), linked from the run's span.</summary>
    internal string? LinkedTraceParent { get; init; }
}
