using Syncplane.Planning;

namespace Syncplane.Storage;

public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,

    /// <summary>A safety gate stopped the run before it wrote anything.</summary>
    Refused,
    Cancelled,
}

/// <summary>What is known when a run starts.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Trigger">What started it: cli, schedule, webhook, manual, retry.</param>
/// <param name="Direction">pull, push or bidirectional.</param>
/// <param name="DryRun">True when the run only plans.</param>
/// <param name="Attempt">1 for the first attempt.</param>
public sealed record NewRun(string Target, string Trigger, string Direction, bool DryRun, int Attempt = 1);

/// <summary>What is known when a run ends.</summary>
public sealed record RunCompletion
{
    public required RunStatus Status { get; init; }

    public required string Message { get; init; }

    public PlanSummary? Summary { get; init; }

    /// <summary>The source's revision (git commit SHA), when it has one.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>Null when no verification ran.</summary>
    public bool? VerificationPassed { get; init; }

    public IReadOnlyList<string> OutputsCreated { get; init; } = [];

    /// <summary>The commit the git step made on the destination, if any.</summary>
    public string? CommitSha { get; init; }
}

/// <summary>One run as stored.</summary>
public sealed record RunRecord
{
    public required long Id { get; init; }

    public required string Target { get; init; }

    public required string Trigger { get; init; }

    public required string Direction { get; init; }

    public required bool DryRun { get; init; }

    public required int Attempt { get; init; }

    public required RunStatus Status { get; init; }

    public required DateTimeOffset QueuedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Message { get; init; }

    public PlanSummary? Summary { get; init; }

    public string? SourceRevision { get; init; }

    public bool? VerificationPassed { get; init; }

    public IReadOnlyList<string> OutputsCreated { get; init; } = [];

    public string? CommitSha { get; init; }

    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;
}

/// <summary>Filters for listing runs, newest first.</summary>
public sealed record RunQuery(string? Target = null, RunStatus? Status = null, DateTimeOffset? Since = null, int Limit = 50, long? BeforeId = null);
