namespace Syncplane.Engine;

/// <summary>What happened to a claimed run, for the host's one-line-per-run log.</summary>
internal enum WorkerEventKind
{
    /// <summary>Claimed and started.</summary>
    Started,

    /// <summary>Completed (succeeded, refused, failed for good or cancelled).</summary>
    Finished,

    /// <summary>Failed and re-queued after a backoff; the attempt counts.</summary>
    Retrying,

    /// <summary>Re-queued without spending the attempt (the upstream rate limits).</summary>
    Postponed,

    /// <summary>Held back by a sync window or a dependency; re-queued without spending the attempt.</summary>
    Waiting,

    /// <summary>Released back to the queue on shutdown, attempt not counted.</summary>
    Released,

    /// <summary>The lease was taken over by another worker; nothing was recorded.</summary>
    FencedOut,

    /// <summary>The worker could not reach the store to claim work (RunId 0); it tries again after its idle wait.</summary>
    StoreUnavailable,

    /// <summary>The worker could not record the run's end (store unavailable); the lease will expire and the run be retried.</summary>
    Error,
}

/// <summary>One thing that happened to a run in a worker.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="RunId">The run.</param>
/// <param name="Target">Its target.</param>
/// <param name="Attempt">The attempt number.</param>
/// <param name="Status">The run's status as recorded (finished) or as the attempt ended.</param>
/// <param name="Message">One line for humans.</param>
/// <param name="At">When it happened.</param>
internal sealed record WorkerEvent(WorkerEventKind Kind, long RunId, string Target, int Attempt, string? Status, string Message, DateTimeOffset At)
{
    /// <summary>A log line such as <c>run 12 docs attempt 1: finished succeeded: up to date</c>.</summary>
    public override string ToString() => Kind == WorkerEventKind.StoreUnavailable
        ? $"worker: store unavailable: {Message}"
        : $"run {RunId} {Target} attempt {Attempt}: {Kind.ToString().ToLowerInvariant()}{(Status is null ? "" : " " + Status)}{(Message.Length == 0 ? "" : ": " + Message)}";
}
